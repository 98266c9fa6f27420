import type { SweepReport } from '../../src/contracts';
import { connectTestTemporal, type TestTemporal } from '../harness/temporal';
import { freshNamespace, startSweep, withSweeperBed } from './bed';
import { labelsOf, leakLoadBalancer, namesOf, sorted } from './leaks';
import { plantStrangers } from './strangers';

/**
 * The sweeper's ownership rule on the real dev server (DESIGN.md rule 7): a name like ours is not enough. Only what
 * carries the mark this service sets at create is removed, and the report says, for every orphan, why it is ours.
 */

let temporal: TestTemporal;
let space: Awaited<ReturnType<typeof freshNamespace>>;
beforeAll(async () => {
  temporal = await connectTestTemporal();
  space = await freshNamespace(temporal);
});
afterAll(async () => {
  await temporal.close();
});

const described = 'and description "created by amphora-orchestrator" set at create';
/** Why each kind of leaked resource is ours, as the report must say it. */
const REASONS = {
  instance: 'name amphora-<uuid> and metadata "amphora-orchestrator" (its name) set at create',
  vipPort: `name octavia-lb-<uuid> ${described}`,
  basePort: `name octavia-lb-vrrp-<uuid> ${described}`,
  securityGroup: `name lb-<uuid> ${described}`,
  serverGroup:
    "name octavia-lb-<uuid> in the service's own project (Nova lists only the caller's server groups; they carry no metadata or description)",
};
const reasonFor = (label: string): string => {
  if (label.startsWith('instance ')) return REASONS.instance;
  if (label.startsWith('port octavia-lb-vrrp-')) return REASONS.basePort;
  if (label.startsWith('port ')) return REASONS.vipPort;
  if (label.startsWith('securityGroup ')) return REASONS.securityGroup;
  return REASONS.serverGroup;
};

describe('sweepOrphans removes only what carries our mark', () => {
  it('spares resources named like ours that lack our mark, removes our leaks, and says why each orphan is ours', async () => {
    await withSweeperBed(temporal, space, async (bed) => {
      const strangers = plantStrangers(bed.drivers);
      const leaked = await leakLoadBalancer(bed.drivers);

      const dryRun = (await (await startSweep(bed, { dryRun: true, graceMs: 0 })).result()) as SweepReport;
      expect(labelsOf(dryRun.orphans)).toEqual(sorted(leaked.labels));
      const explained = dryRun.orphans.map(({ kind, name, reason }) => `${kind} ${name}: ${reason}`);
      expect(sorted(explained)).toEqual(sorted(leaked.labels.map((label) => `${label}: ${reasonFor(label)}`)));

      const report = (await (await startSweep(bed, { dryRun: false, graceMs: 0 })).result()) as SweepReport;
      expect(labelsOf(report.removed)).toEqual(sorted(leaked.labels));
      expect(report.failed).toEqual([]);

      const left = new Set(bed.drivers.inventory().map((item) => `${item.kind}/${item.id}`));
      const gone = strangers.filter((stranger) => !left.has(`${stranger.kind}/${stranger.id}`));
      expect(gone.map((stranger) => `${stranger.name} (${stranger.whose}) was deleted`)).toEqual([]);
      const deleted = new Set(
        bed.drivers
          .journal()
          .filter((entry) => entry.effect === 'deleted')
          .map((entry) => entry.id),
      );
      expect(strangers.filter((stranger) => deleted.has(stranger.id))).toEqual([]);
      const stillThere = leaked.labels.map((label) => label.replace(/^instance /, 'server '));
      expect(namesOf(bed.drivers.inventory()).filter((name) => stillThere.includes(name))).toEqual([]);
    });
  });
});

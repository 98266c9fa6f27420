import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import {
  ComputeBuildError,
  createNoopDrivers,
  DriverError,
  NetworkNotFoundError,
  NotImplementedError,
  PortNotFoundError,
  SubnetNotFoundError,
  ValidationError,
  type NoopDriverOptions,
  type NoopDrivers,
} from '../../src/drivers';
import { anyJson, invalidIp } from './request-bodies';

/**
 * Random requests straight to the noop drivers (no workflow in front to validate them): a build or a VIP allocation
 * with random values is refused with a ValidationError, or a not-found error for what it names, never retryable, and
 * creates nothing. On memory and on SQLite, whose bindings reject some values the memory store would take.
 */

const RUNS = Number(process.env.HOSTILE_RUNS ?? 20) * 10;
const EXISTING = new Set(['lb-mgmt-net', 'vip-net', 'member-net-a', 'member-net-b', 'vip-subnet', 'lb-mgmt-subnet']);

/** An id-like string that names nothing in the noop cloud. */
const unknownId = () =>
  fc.oneof(fc.uuid(), fc.string({ minLength: 1, maxLength: 40 })).filter((id) => !EXISTING.has(id.trim()));
/** Either something plausible of the right type, or anything at all. */
const or = <T>(plausible: fc.Arbitrary<T>) => fc.oneof(plausible, anyJson());

const buildRequest = () =>
  fc
    .record(
      {
        name: or(fc.oneof(fc.stringMatching(/^amphora-[a-z0-9-]{1,20}$/), fc.string({ maxLength: 300 }))),
        amphoraType: or(fc.constantFrom('VM', 'CONTAINER', 'BAREMETAL', 'HW_LOAD_BALANCER', 'MAINFRAME')),
        flavor: or(fc.string({ maxLength: 300 })),
        imageId: or(fc.string({ maxLength: 300 })),
        keys: or(fc.array(fc.string({ maxLength: 30 }), { maxLength: 12 })),
        securityGroups: or(fc.array(fc.string({ maxLength: 30 }), { maxLength: 3 })),
        // Always a network, and never one that exists: a build that got through validation must not find it.
        networkIds: or(fc.array(unknownId(), { minLength: 1, maxLength: 3 })),
        portIds: or(fc.array(unknownId(), { maxLength: 2 })),
        configDriveFiles: or(
          fc.dictionary(fc.string({ maxLength: 20 }), or(fc.string({ maxLength: 50 })), { maxKeys: 7 }),
        ),
        userData: or(fc.string({ maxLength: 100 })),
        serverGroupId: or(unknownId()),
        availabilityZone: or(fc.string({ maxLength: 10 })),
      },
      { requiredKeys: ['networkIds'] },
    )
    // Sometimes an unknown field too: the request schema is strict.
    .chain((request) =>
      fc
        .option(fc.dictionary(fc.stringMatching(/^x[a-z]{1,10}$/), anyJson(), { minKeys: 1, maxKeys: 1 }))
        .map((extra) => (extra ? { ...request, ...extra } : request)),
    );

const allocateVipRequest = () =>
  fc.record(
    {
      loadBalancerId: or(fc.string({ maxLength: 300 })),
      projectId: or(fc.string({ maxLength: 30 })),
      subnetId: or(unknownId()),
      networkId: or(unknownId()),
      portId: or(unknownId()),
      ipAddress: fc.oneof(fc.ipV4(), fc.ipV6(), invalidIp()),
      qosPolicyId: or(fc.string({ maxLength: 30 })),
    },
    { requiredKeys: [] },
  );

/** A driver's refusal of a request: what it must be to pass. */
function expectRefusal(err: unknown, notFound: (err: DriverError) => boolean): void {
  if (!(err instanceof DriverError)) throw new Error(`expected a driver error, got ${String(err)}`, { cause: err });
  expect(err.retryable).toBe(false);
  if (err instanceof ValidationError) {
    expect(err.field).toEqual(expect.any(String));
    return;
  }
  if (!notFound(err))
    throw new Error(`expected a ValidationError or a not-found error, got ${err.name}: ${err.message}`);
}

const dir = mkdtempSync(join(tmpdir(), 'hostile-drivers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.each<[string, NoopDriverOptions]>([
  ['memory', {}],
  ['SQLite', { state: { sqliteFile: join(dir, 'state.db') } }],
])('hostile driver requests on the noop drivers (%s)', (_label, options) => {
  let drivers: NoopDrivers;
  beforeAll(() => {
    drivers = createNoopDrivers({ buildDelayMs: 0, ...options });
  });
  afterAll(() => drivers.close());

  it('build: a random request is refused (invalid, unsupported or naming what does not exist) and creates nothing', async () => {
    await fc.assert(
      fc.asyncProperty(buildRequest(), async (request) => {
        const journal = drivers.journal().length;
        const err = await drivers.compute.build(request as never).then(
          (computeId) => new Error(`build accepted ${JSON.stringify(request)} and made ${computeId}`),
          (error: unknown) => error,
        );
        expectRefusal(
          err,
          (e) =>
            e instanceof NotImplementedError ||
            (e instanceof ComputeBuildError && /could not be found/.test(e.message)),
        );
        expect(drivers.journal()).toHaveLength(journal);
        expect(drivers.inventory()).toEqual([]);
      }),
      { numRuns: RUNS },
    );
  });

  it('allocateVip: a random request is refused (invalid, or naming what does not exist) and creates nothing', async () => {
    await fc.assert(
      fc.asyncProperty(allocateVipRequest(), async (request) => {
        const journal = drivers.journal().length;
        const err = await drivers.network.allocateVip(request as never).then(
          (vip) => new Error(`allocateVip accepted ${JSON.stringify(request)} and made ${JSON.stringify(vip)}`),
          (error: unknown) => error,
        );
        expectRefusal(
          err,
          (e) =>
            e instanceof SubnetNotFoundError || e instanceof NetworkNotFoundError || e instanceof PortNotFoundError,
        );
        expect(drivers.journal()).toHaveLength(journal);
        expect(drivers.inventory()).toEqual([]);
      }),
      { numRuns: RUNS },
    );
  });
});

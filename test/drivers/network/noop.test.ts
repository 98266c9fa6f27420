import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { amphoraName, vipSecurityGroupName, type Amphora } from '../../../src/models';
import { fullNoopDrivers, noopNetworkSubject } from '../noop/subject';
import { ownershipMarkContract } from '../ownership-contract';
import { networkDriverContract } from './contract';

networkDriverContract('NoopNetworkDriver (memory)', () => noopNetworkSubject());
ownershipMarkContract('NoopComputeDriver and NoopNetworkDriver', () => noopNetworkSubject());

const dir = mkdtempSync(join(tmpdir(), 'noop-network-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
networkDriverContract('NoopNetworkDriver (SQLite)', () =>
  noopNetworkSubject({ state: { sqliteFile: join(dir, `state-${(files += 1)}.db`) } }),
);

describe('NoopNetworkDriver VIP security group', () => {
  it('allows VRRP between MASTER and BACKUP, and updateVip keeps it while it sets the listener ports', async () => {
    const drivers = await fullNoopDrivers();
    try {
      const { network, compute } = drivers;
      const loadBalancerId = randomUUID();
      const vip = await network.allocateVip({ loadBalancerId, subnetId: 'vip-subnet' });
      const pair = await Promise.all(
        (['MASTER', 'BACKUP'] as const).map(async (role): Promise<Amphora> => {
          const id = randomUUID();
          const computeId = await compute.build({ name: amphoraName(id), networkIds: ['lb-mgmt-net'] });
          return { id, computeId, role, status: 'ALLOCATED' };
        }),
      );
      await Promise.all(pair.map((amphora) => network.plugVip({ loadBalancerId, vip, amphorae: [amphora] })));
      const group = () =>
        drivers.cloud.transact((tx) =>
          drivers.cloud.findByName(tx, 'securityGroup', vipSecurityGroupName(loadBalancerId)),
        );

      expect(group()).toMatchObject({ vrrp: true, rules: [] });
      await network.updateVip({ loadBalancerId, vip, listenerPorts: [{ protocol: 'TCP', port: 80 }] });
      expect(group()).toMatchObject({ vrrp: true, rules: [{ protocol: 'TCP', port: 80 }] });
      await network.updateVip({ loadBalancerId, vip, listenerPorts: [] });
      expect(group()).toMatchObject({ vrrp: true, rules: [] });
    } finally {
      drivers.close();
    }
  });

  it('allows no VRRP for a STANDALONE amphora', async () => {
    const drivers = await fullNoopDrivers();
    try {
      const loadBalancerId = randomUUID();
      const vip = await drivers.network.allocateVip({ loadBalancerId, subnetId: 'vip-subnet' });
      const id = randomUUID();
      const computeId = await drivers.compute.build({ name: amphoraName(id), networkIds: ['lb-mgmt-net'] });
      await drivers.network.plugVip({
        loadBalancerId,
        vip,
        amphorae: [{ id, computeId, role: 'STANDALONE', status: 'ALLOCATED' }],
      });
      const group = drivers.cloud.transact((tx) =>
        drivers.cloud.findByName(tx, 'securityGroup', vipSecurityGroupName(loadBalancerId)),
      );
      expect(group?.vrrp ?? false).toBe(false);
    } finally {
      drivers.close();
    }
  });
});

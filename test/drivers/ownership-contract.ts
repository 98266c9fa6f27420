import { randomUUID } from 'node:crypto';
import {
  amphoraName,
  OWNED_DESCRIPTION,
  ownedMetadata,
  vipPortName,
  vipSecurityGroupName,
  vrrpPortName,
} from '../../src/models';
import { eventually } from './expect-error';
import type { NetworkContractSubject } from './network/contract';

/**
 * What every pair of drivers must set at create on what it makes, so that the orphan sweeper can tell it from
 * same-named resources of others (DESIGN.md rule 7): servers carry our metadata, ports and security groups our
 * description. Read back through the list calls the sweeper uses.
 */
export function ownershipMarkContract(label: string, makeSubject: () => Promise<NetworkContractSubject>): void {
  describe(`ownership mark contract: ${label}`, () => {
    let subject: NetworkContractSubject;
    beforeEach(async () => {
      subject = await makeSubject();
    });
    afterEach(async () => {
      await subject.cleanup();
    });

    it('builds amphorae with our metadata, shown by listInstances and getAmphora', async () => {
      const name = amphoraName(randomUUID());
      const computeId = await subject.compute.build({
        name,
        imageId: 'amphora-image',
        flavor: 'amphora-flavor',
        networkIds: [subject.managementNetworkId],
      });
      expect(await subject.compute.listInstances(name)).toEqual([
        expect.objectContaining({ computeId, name, metadata: ownedMetadata(name) }),
      ]);
      expect((await subject.compute.getAmphora({ id: computeId })).amphora).toMatchObject({
        metadata: ownedMetadata(name),
      });
    });

    it('makes the VIP port and the VIP security group with our description', async () => {
      const loadBalancerId = randomUUID();
      const vip = await subject.network.allocateVip({ loadBalancerId, subnetId: subject.vipSubnetId });
      expect(await subject.network.listPorts(vipPortName(loadBalancerId))).toEqual([
        expect.objectContaining({ id: vip.portId, description: OWNED_DESCRIPTION }),
      ]);
      expect(await subject.network.getPort(vip.portId)).toMatchObject({ description: OWNED_DESCRIPTION });
      expect(await subject.network.listSecurityGroups(vipSecurityGroupName(loadBalancerId))).toEqual([
        expect.objectContaining({ name: vipSecurityGroupName(loadBalancerId), description: OWNED_DESCRIPTION }),
      ]);
    });

    it('makes amphora base ports with our description, through plugVip and createPort', async () => {
      const loadBalancerId = randomUUID();
      const vip = await subject.network.allocateVip({ loadBalancerId, subnetId: subject.vipSubnetId });
      const amphoraId = randomUUID();
      const computeId = await subject.compute.build({
        name: amphoraName(amphoraId),
        networkIds: [subject.managementNetworkId],
      });
      await eventually(async () => ((await subject.compute.status(computeId)) === 'UP' ? true : undefined));
      await subject.network.plugVip({
        loadBalancerId,
        vip,
        amphorae: [{ id: amphoraId, computeId, status: 'ALLOCATED' }],
      });
      expect(await subject.network.listPorts(vrrpPortName(amphoraId))).toEqual([
        expect.objectContaining({ name: vrrpPortName(amphoraId), description: OWNED_DESCRIPTION }),
      ]);

      const spare = vrrpPortName(randomUUID());
      const made = await subject.network.createPort({ name: spare, networkId: subject.vipNetworkId });
      expect(made).toMatchObject({ name: spare, description: OWNED_DESCRIPTION });
      expect(await subject.network.listPorts(spare)).toEqual([
        expect.objectContaining({ id: made.id, description: OWNED_DESCRIPTION }),
      ]);
    });
  });
}

import { randomUUID } from 'node:crypto';
import {
  AllocateVipError,
  type AmphoraComputeDriver,
  type AbstractNetworkDriver,
  AmphoraNotFoundError,
  NetworkError,
  NetworkNotFoundError,
  PortNotFoundError,
  SubnetNotFoundError,
  ValidationError,
  VipConfigurationNotFoundError,
} from '../../../src/drivers';
import {
  amphoraName,
  OWNED_DESCRIPTION,
  vipPortName,
  vipSecurityGroupName,
  vrrpPortName,
  type Amphora,
  type Vip,
} from '../../../src/models';
import { eventually, rejectionOf } from '../expect-error';

/** What a network driver under test needs around it. */
export interface NetworkContractSubject {
  network: AbstractNetworkDriver;
  /** A compute driver on the same cloud, to make instances to plug into. */
  compute: AmphoraComputeDriver;
  managementNetworkId: string;
  vipNetworkId: string;
  vipSubnetId: string;
  memberNetworkId: string;
  /** A subnet with no free address left. */
  fullSubnetId: string;
  /** Makes a port the way a user would (not named by this service), for user-supplied VIPs. */
  makeUserPort(): Promise<{ id: string; ipAddress: string }>;
  cleanup(): Promise<void>;
}

/**
 * The behaviour every network driver must show: VIP allocation and release, VIP plugging, member networks, lookups,
 * idempotent creates by name and undos, and the seed's exceptions for missing resources.
 */
export function networkDriverContract(label: string, makeSubject: () => Promise<NetworkContractSubject>): void {
  describe(`network driver contract: ${label}`, () => {
    let subject: NetworkContractSubject;
    let network: AbstractNetworkDriver;
    beforeEach(async () => {
      subject = await makeSubject();
      network = subject.network;
    });
    afterEach(async () => {
      await subject.cleanup();
    });

    const newAmphora = async (role: Amphora['role'] = 'STANDALONE'): Promise<Amphora> => {
      const id = randomUUID();
      const computeId = await subject.compute.build({
        name: amphoraName(id),
        networkIds: [subject.managementNetworkId],
      });
      await eventually(async () => ((await subject.compute.status(computeId)) === 'UP' ? true : undefined));
      return { id, computeId, status: 'ALLOCATED', role };
    };

    /** Releases `loadBalancerId`'s VIP, and gives its address to a new load balancer, as a later create would. */
    const releaseAndReuse = async (loadBalancerId: string, vip: Vip): Promise<{ loadBalancerId: string; vip: Vip }> => {
      await network.deallocateVip({ loadBalancerId, vip });
      const next = randomUUID();
      const reused = await network.allocateVip({
        loadBalancerId: next,
        subnetId: subject.vipSubnetId,
        ipAddress: vip.ipAddress,
      });
      expect(reused.ipAddress).toBe(vip.ipAddress);
      return { loadBalancerId: next, vip: reused };
    };

    it('allocates a VIP on a subnet, idempotently by load balancer id, on a port it names', async () => {
      const loadBalancerId = randomUUID();
      const vip = await network.allocateVip({ loadBalancerId, subnetId: subject.vipSubnetId });
      expect(vip).toMatchObject({ subnetId: subject.vipSubnetId, networkId: subject.vipNetworkId, octaviaOwned: true });
      expect(await network.allocateVip({ loadBalancerId, subnetId: subject.vipSubnetId })).toEqual(vip);
      const port = await network.getPort(vip.portId);
      expect(port.name).toBe(vipPortName(loadBalancerId));
      expect(port.fixedIps[0]?.ipAddress).toBe(vip.ipAddress);
    });

    it('allocates a VIP on a network, and the requested address when asked', async () => {
      const first = randomUUID();
      const onNetwork = await network.allocateVip({ loadBalancerId: first, networkId: subject.vipNetworkId });
      expect(onNetwork.subnetId).toBe(subject.vipSubnetId);
      const again = await releaseAndReuse(first, onNetwork);
      await network.deallocateVip({ loadBalancerId: again.loadBalancerId, vip: again.vip });
    });

    it('never deletes a VIP port under another load balancer id', async () => {
      const loadBalancerId = randomUUID();
      const vip = await network.allocateVip({ loadBalancerId, subnetId: subject.vipSubnetId });
      await network.deallocateVip({ loadBalancerId: randomUUID(), vip });
      expect((await network.getPort(vip.portId)).id).toBe(vip.portId);
      await network.deallocateVip({ loadBalancerId, vip });
    });

    it('deallocates a VIP idempotently, also when only the load balancer id is known (a lost response)', async () => {
      const loadBalancerId = randomUUID();
      const vip = await network.allocateVip({ loadBalancerId, subnetId: subject.vipSubnetId });
      await network.deallocateVip({ loadBalancerId });
      expect(await rejectionOf(network.getPort(vip.portId))).toBeInstanceOf(PortNotFoundError);
      await expect(network.deallocateVip({ loadBalancerId, vip })).resolves.toBeUndefined();
      expect(await network.findPort(vipPortName(loadBalancerId))).toBeUndefined();
    });

    it('uses a user-supplied VIP port and never deletes it', async () => {
      const userPort = await subject.makeUserPort();
      const loadBalancerId = randomUUID();
      const vip = await network.allocateVip({ loadBalancerId, portId: userPort.id });
      expect(vip).toMatchObject({ portId: userPort.id, ipAddress: userPort.ipAddress, octaviaOwned: false });
      await network.deallocateVip({ loadBalancerId, vip });
      await network.deallocateVip({ loadBalancerId });
      expect((await network.getPort(userPort.id)).id).toBe(userPort.id);
    });

    it('raises the seed exceptions for VIPs on missing resources, retryable never', async () => {
      const cases: [Promise<unknown>, new (...args: never[]) => Error][] = [
        [network.allocateVip({ loadBalancerId: randomUUID(), subnetId: randomUUID() }), SubnetNotFoundError],
        [network.allocateVip({ loadBalancerId: randomUUID(), networkId: randomUUID() }), NetworkNotFoundError],
        [network.allocateVip({ loadBalancerId: randomUUID(), portId: randomUUID() }), PortNotFoundError],
        [network.allocateVip({ loadBalancerId: randomUUID() }), ValidationError],
      ];
      for (const [call, ErrorClass] of cases) {
        const err = await rejectionOf(call);
        expect(err).toBeInstanceOf(ErrorClass);
        expect(err.retryable).toBe(false);
      }
    });

    it('fails a VIP on a full subnet with AllocateVipError naming the subnet, and creates no port', async () => {
      const loadBalancerId = randomUUID();
      const err = await rejectionOf(network.allocateVip({ loadBalancerId, subnetId: subject.fullSubnetId }));
      expect(err).toBeInstanceOf(AllocateVipError);
      expect(err.retryable).toBe(false);
      expect(err.message).toContain(subject.fullSubnetId);
      expect(err.message).toMatch(/no free address/i);
      expect(await network.findPort(vipPortName(loadBalancerId))).toBeUndefined();
    });

    it('plugs a VIP into amphorae idempotently, refuses to release it while plugged, and unplugs it', async () => {
      const loadBalancerId = randomUUID();
      const vip = await network.allocateVip({ loadBalancerId, subnetId: subject.vipSubnetId });
      const amphora = await newAmphora();
      const [plugged] = await network.plugVip({ loadBalancerId, vip, amphorae: [amphora] });
      expect(plugged).toMatchObject({ id: amphora.id, haIp: vip.ipAddress, haPortId: vip.portId });
      expect(plugged?.vrrpIp).toBeTruthy();
      const [again] = await network.plugVip({ loadBalancerId, vip, amphorae: [amphora] });
      expect(again?.vrrpPortId).toBe(plugged?.vrrpPortId);

      const basePort = await network.getPort(plugged?.vrrpPortId ?? '');
      expect(basePort.name).toBe(vrrpPortName(amphora.id));
      expect(basePort.allowedAddressPairs.map((pair) => pair.ipAddress)).toEqual([vip.ipAddress]);
      const plugs = await network.getPluggedNetworks(amphora.computeId ?? '');
      expect(plugs.map((plug) => plug.networkId)).toEqual(
        expect.arrayContaining([subject.managementNetworkId, subject.vipNetworkId]),
      );

      await network.unplugVip({ loadBalancerId, vip, amphorae: [amphora] });
      await expect(network.unplugVip({ loadBalancerId, vip, amphorae: [amphora] })).resolves.toBeUndefined();
      expect(await network.findPort(vrrpPortName(amphora.id))).toBeUndefined();
      await network.deallocateVip({ loadBalancerId, vip });
    });

    it('deallocates a VIP that amphora base ports of ours still carry, removing those ports as Octavia does', async () => {
      const loadBalancerId = randomUUID();
      const vip = await network.allocateVip({ loadBalancerId, subnetId: subject.vipSubnetId });
      const [master, backup] = [await newAmphora('MASTER'), await newAmphora('BACKUP')];
      await network.plugVip({ loadBalancerId, vip, amphorae: [master, backup] });
      // A delete that lost track of its amphorae (a failed failover, a record out of date) must still make progress.
      await network.deallocateVip({ loadBalancerId, vip });
      expect(await network.findPort(vrrpPortName(master?.id ?? ''))).toBeUndefined();
      expect(await network.findPort(vrrpPortName(backup?.id ?? ''))).toBeUndefined();
      expect(await network.findPort(vipPortName(loadBalancerId))).toBeUndefined();
    });

    it("releases a VIP again as a no-op once its address serves another load balancer, leaving that one's ports", async () => {
      // A delete whose release ran, then ran again (a worker died before the step was recorded): meanwhile the
      // address went to another load balancer, whose VIP and base port now carry it.
      const first = randomUUID();
      const released = await network.allocateVip({ loadBalancerId: first, subnetId: subject.vipSubnetId });
      const { loadBalancerId: second, vip: reused } = await releaseAndReuse(first, released);
      const amphora = await newAmphora();
      const [plugged] = await network.plugVip({ loadBalancerId: second, vip: reused, amphorae: [amphora] });

      await expect(network.deallocateVip({ loadBalancerId: first, vip: released })).resolves.toBeUndefined();
      expect((await network.findPort(vrrpPortName(amphora.id)))?.id).toBe(plugged?.vrrpPortId);
      expect((await network.findPort(vipPortName(second)))?.id).toBe(reused.portId);

      await network.unplugVip({ loadBalancerId: second, vip: reused, amphorae: [amphora] });
      await network.deallocateVip({ loadBalancerId: second, vip: reused });
    });

    it('raises AmphoraNotFoundError when plugging a VIP into an amphora without an instance', async () => {
      const loadBalancerId = randomUUID();
      const vip = await network.allocateVip({ loadBalancerId, subnetId: subject.vipSubnetId });
      const err = await rejectionOf(
        network.plugVip({
          loadBalancerId,
          vip,
          amphorae: [{ id: randomUUID(), computeId: randomUUID(), status: 'ALLOCATED' }],
        }),
      );
      expect(err).toBeInstanceOf(AmphoraNotFoundError);
      await network.deallocateVip({ loadBalancerId, vip });
    });

    it('updates the VIP security group once the VIP is allocated, and says when it is missing', async () => {
      const loadBalancerId = randomUUID();
      const vip = await network.allocateVip({ loadBalancerId, subnetId: subject.vipSubnetId });
      await expect(
        network.updateVip({ loadBalancerId, vip, listenerPorts: [{ protocol: 'TCP', port: 80 }] }),
      ).resolves.toBeUndefined();
      const amphora = await newAmphora();
      await network.plugVip({ loadBalancerId, vip, amphorae: [amphora] });
      await expect(
        network.updateVip({ loadBalancerId, vip, listenerPorts: [{ protocol: 'TCP', port: 443 }] }),
      ).resolves.toBeUndefined();
      await network.unplugVip({ loadBalancerId, vip, amphorae: [amphora] });
      await network.deallocateVip({ loadBalancerId, vip });

      const missing = await rejectionOf(
        network.updateVip({ loadBalancerId, vip, listenerPorts: [{ protocol: 'TCP', port: 443 }] }),
      );
      expect(missing).toBeInstanceOf(VipConfigurationNotFoundError);
      expect(missing.message).toContain(vipSecurityGroupName(loadBalancerId));
    });

    it('makes the VIP security group once, when the VIP is allocated, and removes it with the VIP', async () => {
      const loadBalancerId = randomUUID();
      const name = vipSecurityGroupName(loadBalancerId);
      const vip = await network.allocateVip({ loadBalancerId, subnetId: subject.vipSubnetId });
      expect(await network.listSecurityGroups(name)).toEqual([
        { id: expect.any(String) as unknown, name, description: OWNED_DESCRIPTION },
      ]);
      await network.allocateVip({ loadBalancerId, subnetId: subject.vipSubnetId });
      expect(await network.listSecurityGroups(name)).toHaveLength(1);
      await network.deallocateVip({ loadBalancerId, vip });
      expect(await network.listSecurityGroups(name)).toEqual([]);
      await expect(network.deallocateVip({ loadBalancerId, vip })).resolves.toBeUndefined();

      const userPort = await subject.makeUserPort();
      const other = randomUUID();
      const userVip = await network.allocateVip({ loadBalancerId: other, portId: userPort.id });
      expect(await network.listSecurityGroups(vipSecurityGroupName(other))).toHaveLength(1);
      await network.deallocateVip({ loadBalancerId: other, vip: userVip });
      expect(await network.listSecurityGroups(vipSecurityGroupName(other))).toEqual([]);
    });

    it('two plugVip calls in parallel for MASTER and BACKUP leave exactly one VIP security group', async () => {
      const loadBalancerId = randomUUID();
      const vip = await network.allocateVip({ loadBalancerId, subnetId: subject.vipSubnetId });
      const pair = [await newAmphora('MASTER'), await newAmphora('BACKUP')];
      const plugged = await Promise.all(
        pair.map((amphora) => network.plugVip({ loadBalancerId, vip, amphorae: [amphora] })),
      );

      const groups = await network.listSecurityGroups(vipSecurityGroupName(loadBalancerId));
      expect(groups).toHaveLength(1);
      for (const [amphora] of plugged) {
        expect((await network.getPort(amphora?.vrrpPortId ?? '')).securityGroupIds).toEqual([groups[0]?.id]);
      }
      await network.unplugVip({ loadBalancerId, vip, amphorae: pair });
      await network.deallocateVip({ loadBalancerId, vip });
      expect(await network.listSecurityGroups(vipSecurityGroupName(loadBalancerId))).toEqual([]);
    });

    it('lists VIP security groups by prefix and deletes one idempotently, but not while a port uses it', async () => {
      const loadBalancerId = randomUUID();
      const vip = await network.allocateVip({ loadBalancerId, subnetId: subject.vipSubnetId });
      const amphora = await newAmphora();
      await network.plugVip({ loadBalancerId, vip, amphorae: [amphora] });
      const name = vipSecurityGroupName(loadBalancerId);
      const [group, ...more] = await network.listSecurityGroups(name);
      expect(group).toMatchObject({ name });
      expect(more).toEqual([]);
      expect(await network.listSecurityGroups(vipSecurityGroupName(randomUUID()))).toEqual([]);

      const inUse = await rejectionOf(network.deleteSecurityGroup(group?.id ?? ''));
      expect(inUse).toBeInstanceOf(NetworkError);
      expect(inUse.retryable).toBe(true);
      expect(await network.listSecurityGroups(name)).toHaveLength(1);

      await network.unplugVip({ loadBalancerId, vip, amphorae: [amphora] });
      await network.deleteSecurityGroup(group?.id ?? '');
      await expect(network.deleteSecurityGroup(group?.id ?? '')).resolves.toBeUndefined();
      expect(await network.listSecurityGroups(name)).toEqual([]);
      await network.deallocateVip({ loadBalancerId, vip });
    });

    it('plugs and unplugs a member network idempotently', async () => {
      const amphora = await newAmphora();
      const computeId = amphora.computeId ?? '';
      const plugged = await network.plugNetwork({ computeId, networkId: subject.memberNetworkId });
      expect(plugged).toMatchObject({ computeId, networkId: subject.memberNetworkId });
      expect((await network.plugNetwork({ computeId, networkId: subject.memberNetworkId })).portId).toBe(
        plugged.portId,
      );
      await network.unplugNetwork({ computeId, networkId: subject.memberNetworkId });
      await expect(network.unplugNetwork({ computeId, networkId: subject.memberNetworkId })).resolves.toBeUndefined();
      const networks = (await network.getPluggedNetworks(computeId)).map((plug) => plug.networkId);
      expect(networks).not.toContain(subject.memberNetworkId);
    });

    it('raises AmphoraNotFoundError and NetworkNotFoundError for member plugs on missing resources', async () => {
      const amphora = await newAmphora();
      expect(
        await rejectionOf(network.plugNetwork({ computeId: randomUUID(), networkId: subject.memberNetworkId })),
      ).toBeInstanceOf(AmphoraNotFoundError);
      expect(
        await rejectionOf(network.plugNetwork({ computeId: amphora.computeId ?? '', networkId: randomUUID() })),
      ).toBeInstanceOf(NetworkNotFoundError);
    });

    it('looks up networks, subnets and ports, and names the missing one', async () => {
      expect((await network.getNetwork(subject.vipNetworkId)).subnetIds).toContain(subject.vipSubnetId);
      expect((await network.getSubnet(subject.vipSubnetId)).networkId).toBe(subject.vipNetworkId);
      const missing = randomUUID();
      for (const [call, ErrorClass] of [
        [network.getNetwork(missing), NetworkNotFoundError],
        [network.getSubnet(missing), SubnetNotFoundError],
        [network.getPort(missing), PortNotFoundError],
      ] as const) {
        const err = await rejectionOf(call);
        expect(err).toBeInstanceOf(ErrorClass);
        expect(err.message).toContain(missing);
      }
    });

    it('prepares an amphora for failover, also when its base port is already gone (a broken amphora)', async () => {
      const amphora = await newAmphora();
      await expect(network.failoverPreparation(amphora)).resolves.toBeUndefined();
      // That is exactly when a failover is needed: refusing it would leave the amphora broken for good.
      await expect(network.failoverPreparation({ ...amphora, vrrpPortId: randomUUID() })).resolves.toBeUndefined();
    });

    it('creates ports idempotently by name and deletes them idempotently', async () => {
      const name = vrrpPortName(randomUUID());
      const port = await network.createPort({ name, networkId: subject.vipNetworkId });
      expect((await network.createPort({ name, networkId: subject.vipNetworkId })).id).toBe(port.id);
      expect((await network.findPort(name))?.id).toBe(port.id);
      expect((await network.listPorts(name)).map((found) => found.id)).toEqual([port.id]);
      await network.deletePort(port.id);
      await expect(network.deletePort(port.id)).resolves.toBeUndefined();
      expect(await network.findPort(name)).toBeUndefined();
    });
  });
}

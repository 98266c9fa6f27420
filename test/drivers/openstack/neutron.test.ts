import { randomUUID } from 'node:crypto';
import {
  AllocateVipError,
  DeallocateVipError,
  PlugVipError,
  UnplugNetworkError,
  VipInUseError,
} from '../../../src/drivers';
import { amphoraName, vipPortName, vipSecurityGroupName, vrrpPortName, type Amphora } from '../../../src/models';
import { eventually, rejectionOf } from '../expect-error';
import { SEED } from './fake/seed';
import { startTestbed, type Testbed } from './testbed';

describe('NeutronNetworkDriver on the fake Neutron and Nova', () => {
  let bed: Testbed;
  afterEach(() => bed.close());

  const newAmphora = async (role: Amphora['role'] = 'STANDALONE'): Promise<Amphora> => {
    const id = randomUUID();
    const computeId = await bed.drivers.compute.build({
      name: amphoraName(id),
      networkIds: [SEED.managementNetworkId],
    });
    await eventually(async () => ((await bed.drivers.compute.status(computeId)) === 'UP' ? true : undefined));
    return { id, computeId, status: 'ALLOCATED', role };
  };
  const portNamed = (name: string) => [...bed.cloud.state.ports.values()].filter((port) => port.name === name);
  const groupNamed = (name: string) =>
    [...bed.cloud.state.securityGroups.values()].filter((group) => group.name === name);

  describe('with the default fake cloud', () => {
    beforeEach(async () => {
      bed = await startTestbed();
    });

    it('allocates the VIP on an admin-down port owned by Octavia, at the requested address', async () => {
      const loadBalancerId = randomUUID();
      const vip = await bed.drivers.network.allocateVip({
        loadBalancerId,
        subnetId: SEED.vipSubnetId,
        ipAddress: '198.51.100.77',
      });
      expect(vip).toMatchObject({ ipAddress: '198.51.100.77', networkId: SEED.vipNetworkId, octaviaOwned: true });
      const [port] = portNamed(vipPortName(loadBalancerId));
      expect(port).toMatchObject({ deviceOwner: 'Octavia', adminStateUp: false, deviceId: `lb-${loadBalancerId}` });
      const posts = (path: RegExp) =>
        bed.cloud.seen({ service: 'network', method: 'POST', path }).map((seen) => seen.status);
      expect(posts(/\/ports$/)).toEqual([201]);
      expect(posts(/\/security-groups$/)).toEqual([201]); // the VIP security group, made once with the VIP

      const taken = await rejectionOf(
        bed.drivers.network.allocateVip({
          loadBalancerId: randomUUID(),
          subnetId: SEED.vipSubnetId,
          ipAddress: '198.51.100.77',
        }),
      );
      expect(taken).toBeInstanceOf(AllocateVipError);
      expect(taken.retryable).toBe(false);
      expect(taken.message).toContain(`address 198.51.100.77 is already taken on subnet ${SEED.vipSubnetId}`);
      const outside = await rejectionOf(
        bed.drivers.network.allocateVip({
          loadBalancerId: randomUUID(),
          subnetId: SEED.vipSubnetId,
          ipAddress: '10.0.0.1',
        }),
      );
      expect(outside).toMatchObject({ name: 'AllocateVipError', retryable: false });
      expect(outside.message).toContain('InvalidIpForSubnet');
    });

    it('plugs the VIP into an active/standby pair through base ports behind the VIP security group', async () => {
      const loadBalancerId = randomUUID();
      const vip = await bed.drivers.network.allocateVip({ loadBalancerId, subnetId: SEED.vipSubnetId });
      const pair = [await newAmphora('MASTER'), await newAmphora('BACKUP')];

      const plugged = await bed.drivers.network.plugVip({ loadBalancerId, vip, amphorae: pair });

      const [group] = groupNamed(vipSecurityGroupName(loadBalancerId));
      expect(group).toBeDefined();
      for (const [index, amphora] of plugged.entries()) {
        const [base] = portNamed(vrrpPortName(pair[index]?.id ?? ''));
        expect(base).toMatchObject({
          id: amphora.vrrpPortId,
          networkId: SEED.vipNetworkId,
          deviceId: pair[index]?.computeId,
          allowedAddressPairs: [{ ip_address: vip.ipAddress }],
          securityGroups: [group?.id],
        });
        expect(amphora).toMatchObject({ role: pair[index]?.role, haIp: vip.ipAddress, haPortId: vip.portId });
        expect(amphora.vrrpIp).toBe(base?.fixedIps[0]?.ip_address);
      }
      expect(new Set(plugged.map((amphora) => amphora.vrrpIp)).size).toBe(2);
    });

    it('finishes a plugVip that failed halfway when retried, without making anything twice', async () => {
      const loadBalancerId = randomUUID();
      const vip = await bed.drivers.network.allocateVip({ loadBalancerId, subnetId: SEED.vipSubnetId });
      const pair = [await newAmphora('MASTER'), await newAmphora('BACKUP')];
      bed.cloud.misbehave({ service: 'compute', method: 'POST', path: /os-interface$/ }, { kind: 'fail', status: 500 });

      const err = await rejectionOf(bed.drivers.network.plugVip({ loadBalancerId, vip, amphorae: pair }));
      expect(err).toBeInstanceOf(PlugVipError);
      expect(err.retryable).toBe(true);
      const plugged = await bed.drivers.network.plugVip({ loadBalancerId, vip, amphorae: pair });

      expect(groupNamed(vipSecurityGroupName(loadBalancerId))).toHaveLength(1);
      for (const amphora of pair) {
        const bases = portNamed(vrrpPortName(amphora.id));
        expect(bases.map((base) => base.deviceId)).toEqual([amphora.computeId]);
      }
      expect(plugged.map((amphora) => amphora.vrrpPortId)).toEqual(
        pair.map((amphora) => portNamed(vrrpPortName(amphora.id))[0]?.id),
      );
    });

    it('makes one VIP security group when MASTER and BACKUP plug in parallel, though Neutron allows two of one name', async () => {
      const loadBalancerId = randomUUID();
      const vip = await bed.drivers.network.allocateVip({ loadBalancerId, subnetId: SEED.vipSubnetId });
      const pair = [await newAmphora('MASTER'), await newAmphora('BACKUP')];
      // A slow Neutron: a group made during the plugs is answered late, so each plug would look before either made one.
      bed.cloud.misbehave(
        { service: 'network', method: 'POST', path: /security-groups$/ },
        { kind: 'delay', ms: 100 },
        2,
      );

      await Promise.all(
        pair.map((amphora) => bed.drivers.network.plugVip({ loadBalancerId, vip, amphorae: [amphora] })),
      );

      const groups = groupNamed(vipSecurityGroupName(loadBalancerId));
      expect(groups).toHaveLength(1);
      for (const amphora of pair) {
        expect(portNamed(vrrpPortName(amphora.id))[0]?.securityGroups).toEqual([groups[0]?.id]);
      }
    });

    it('leaves one VIP security group when parallel plugs find none and both make one (a VIP allocated by an older version)', async () => {
      const loadBalancerId = randomUUID();
      const vip = await bed.drivers.network.allocateVip({ loadBalancerId, subnetId: SEED.vipSubnetId });
      for (const group of groupNamed(vipSecurityGroupName(loadBalancerId)))
        bed.cloud.state.securityGroups.delete(group.id);
      const pair = [await newAmphora('MASTER'), await newAmphora('BACKUP')];
      const made = () => bed.cloud.seen({ service: 'network', method: 'POST', path: /security-groups$/ }).length;
      const madeBefore = made();
      bed.cloud.misbehave(
        { service: 'network', method: 'POST', path: /security-groups$/ },
        { kind: 'delay', ms: 100 },
        2,
      );

      await Promise.all(
        pair.map((amphora) => bed.drivers.network.plugVip({ loadBalancerId, vip, amphorae: [amphora] })),
      );

      expect(made() - madeBefore).toBe(2); // both plugs made one: the race happened
      const groups = groupNamed(vipSecurityGroupName(loadBalancerId));
      expect(groups).toHaveLength(1);
      for (const amphora of pair) {
        expect(portNamed(vrrpPortName(amphora.id))[0]?.securityGroups).toEqual([groups[0]?.id]);
      }
    });

    it('updates and removes every VIP security group of the name that it made, and none that it did not', async () => {
      const loadBalancerId = randomUUID();
      const name = vipSecurityGroupName(loadBalancerId);
      const vip = await bed.drivers.network.allocateVip({ loadBalancerId, subnetId: SEED.vipSubnetId });
      const [made] = groupNamed(name);
      // A second group of ours, as the old race left them, and one of the same name that someone else made.
      const twin = { ...structuredClone(made), id: randomUUID(), rules: [], createdAt: new Date().toISOString() };
      const foreign = { ...twin, id: randomUUID(), rules: [], description: 'made by hand' };
      for (const group of [twin, foreign])
        bed.cloud.state.securityGroups.set(group.id, group as NonNullable<typeof made>);

      await bed.drivers.network.updateVip({ loadBalancerId, vip, listenerPorts: [{ protocol: 'TCP', port: 80 }] });
      const opens80 = (id: string) =>
        bed.cloud.state.securityGroups
          .get(id)
          ?.rules.some((rule) => rule.direction === 'ingress' && rule.port_range_min === 80);
      expect([made?.id ?? '', twin.id, foreign.id].map(opens80)).toEqual([true, true, false]);

      await bed.drivers.network.deallocateVip({ loadBalancerId, vip });
      expect(groupNamed(name).map((group) => group.id)).toEqual([foreign.id]);
    });

    it('opens VRRP (IP protocol 112) between the amphorae of an active/standby pair, and updateVip keeps it', async () => {
      const loadBalancerId = randomUUID();
      const vip = await bed.drivers.network.allocateVip({ loadBalancerId, subnetId: SEED.vipSubnetId });
      const pair = [await newAmphora('MASTER'), await newAmphora('BACKUP')];
      await Promise.all(
        pair.map((amphora) => bed.drivers.network.plugVip({ loadBalancerId, vip, amphorae: [amphora] })),
      );
      const group = () => groupNamed(vipSecurityGroupName(loadBalancerId))[0];
      const vrrp = () => (group()?.rules ?? []).filter((rule) => rule.protocol === '112');

      expect(vrrp()).toEqual([
        expect.objectContaining({
          direction: 'ingress',
          ethertype: 'IPv4',
          port_range_min: null,
          port_range_max: null,
          remote_ip_prefix: null,
          remote_group_id: group()?.id,
        }),
      ]);
      const [rule] = vrrp();
      for (const listenerPorts of [
        [{ protocol: 'TCP' as const, port: 80 }],
        [{ protocol: 'UDP' as const, port: 53 }],
        [],
      ]) {
        await bed.drivers.network.updateVip({ loadBalancerId, vip, listenerPorts });
        expect(vrrp()).toEqual([rule]);
      }
      const listeners = (group()?.rules ?? []).filter((candidate) => ['tcp', 'udp'].includes(candidate.protocol ?? ''));
      expect(listeners).toEqual([]);
    });

    it('sets the VIP security group to open exactly the listener ports, keeping egress and unchanged rules', async () => {
      const loadBalancerId = randomUUID();
      const vip = await bed.drivers.network.allocateVip({ loadBalancerId, subnetId: SEED.vipSubnetId });
      await bed.drivers.network.plugVip({ loadBalancerId, vip, amphorae: [await newAmphora()] });
      const rules = () => groupNamed(vipSecurityGroupName(loadBalancerId))[0]?.rules ?? [];
      const ingress = () =>
        rules()
          .filter((rule) => rule.direction === 'ingress')
          .map((rule) => `${rule.ethertype}/${rule.protocol}:${rule.port_range_min}-${rule.port_range_max}`)
          .sort();

      await bed.drivers.network.updateVip({
        loadBalancerId,
        vip,
        listenerPorts: [
          { protocol: 'TCP', port: 80 },
          { protocol: 'TCP', port: 443 },
        ],
      });
      expect(ingress()).toEqual(['IPv4/tcp:443-443', 'IPv4/tcp:80-80']);
      const https = rules().find((rule) => rule.port_range_min === 443)?.id;

      const change = {
        loadBalancerId,
        vip,
        listenerPorts: [
          { protocol: 'TCP' as const, port: 443 },
          { protocol: 'UDP' as const, port: 53 },
        ],
      };
      await bed.drivers.network.updateVip(change);
      expect(ingress()).toEqual(['IPv4/tcp:443-443', 'IPv4/udp:53-53']);
      expect(rules().find((rule) => rule.port_range_min === 443)?.id).toBe(https);
      expect(rules().filter((rule) => rule.direction === 'egress')).toHaveLength(2);

      const writesBefore = bed.cloud.seen({ path: /security-group-rules/ }).length;
      await bed.drivers.network.updateVip(change);
      expect(bed.cloud.seen({ path: /security-group-rules/ })).toHaveLength(writesBefore);

      await bed.drivers.network.updateVip({ loadBalancerId, vip, listenerPorts: [] });
      expect(ingress()).toEqual([]);
    });

    it('releases a VIP with the base ports of ours that carry it, but refuses while a port not ours answers for it', async () => {
      const loadBalancerId = randomUUID();
      const vip = await bed.drivers.network.allocateVip({ loadBalancerId, subnetId: SEED.vipSubnetId });
      const amphora = await newAmphora();
      await bed.drivers.network.plugVip({ loadBalancerId, vip, amphorae: [amphora] });
      const stray = bed.cloud.state.createPort({
        networkId: SEED.vipNetworkId,
        name: 'tenant-keepalived',
        allowedAddressPairs: [{ ip_address: vip.ipAddress }],
      });

      const inUse = await rejectionOf(bed.drivers.network.deallocateVip({ loadBalancerId, vip }));
      expect(inUse).toBeInstanceOf(VipInUseError);
      expect(inUse.message).toContain('tenant-keepalived');
      expect(inUse.message).not.toContain(vrrpPortName(amphora.id));

      bed.cloud.state.ports.delete(stray.id);
      await bed.drivers.network.deallocateVip({ loadBalancerId, vip });
      expect(portNamed(vipPortName(loadBalancerId))).toEqual([]);
      expect(portNamed(vrrpPortName(amphora.id))).toEqual([]);
      expect(groupNamed(vipSecurityGroupName(loadBalancerId))).toEqual([]);
    });

    it('fails a release as retryable while another port still uses the VIP security group', async () => {
      const loadBalancerId = randomUUID();
      const vip = await bed.drivers.network.allocateVip({ loadBalancerId, subnetId: SEED.vipSubnetId });
      const amphora = await newAmphora();
      await bed.drivers.network.plugVip({ loadBalancerId, vip, amphorae: [amphora] });
      const group = groupNamed(vipSecurityGroupName(loadBalancerId))[0];
      bed.cloud.state.createPort({ networkId: SEED.memberNetworkId, name: 'stray', securityGroups: [group?.id ?? ''] });
      await bed.drivers.network.unplugVip({ loadBalancerId, vip, amphorae: [amphora] });

      const err = await rejectionOf(bed.drivers.network.deallocateVip({ loadBalancerId, vip }));
      expect(err).toBeInstanceOf(DeallocateVipError);
      expect(err.retryable).toBe(true);
      expect(err.message).toContain('SecurityGroupInUse');
    });

    it('unplugs only the interface with the given address', async () => {
      const amphora = await newAmphora();
      const computeId = amphora.computeId ?? '';
      const a = await bed.drivers.network.plugNetwork({
        computeId,
        networkId: SEED.memberNetworkId,
        ipAddress: '203.0.113.10',
      });
      const b = await bed.drivers.network.plugNetwork({
        computeId,
        networkId: SEED.memberNetworkId,
        ipAddress: '203.0.113.11',
      });
      expect(a.portId).not.toBe(b.portId);
      await bed.drivers.network.unplugNetwork({
        computeId,
        networkId: SEED.memberNetworkId,
        ipAddress: '203.0.113.10',
      });
      const left = (await bed.drivers.network.getPluggedNetworks(computeId)).filter(
        (plug) => plug.networkId === SEED.memberNetworkId,
      );
      expect(left.map((plug) => plug.portId)).toEqual([b.portId]);
    });

    it('maps networks, subnets and ports to the models', async () => {
      expect(await bed.drivers.network.getNetwork(SEED.vipNetworkId)).toMatchObject({
        id: SEED.vipNetworkId,
        subnetIds: [SEED.vipSubnetId],
        mtu: 1450,
        providerNetworkType: 'vxlan',
        routerExternal: true,
      });
      expect(await bed.drivers.network.getSubnet(SEED.vipSubnetId)).toEqual({
        id: SEED.vipSubnetId,
        name: 'vip-subnet',
        networkId: SEED.vipNetworkId,
        cidr: '198.51.100.0/24',
        ipVersion: 4,
        gatewayIp: '198.51.100.1',
        hostRoutes: [],
        projectId: expect.any(String) as unknown,
      });
      const user = bed.cloud.userPort(SEED.vipNetworkId);
      expect(await bed.drivers.network.getPort(user.id)).toMatchObject({
        id: user.id,
        networkId: SEED.vipNetworkId,
        adminStateUp: true,
        deviceId: undefined,
        securityGroupIds: ['default-sg'],
        fixedIps: [{ subnetId: SEED.vipSubnetId, ipAddress: user.fixed_ips[0]?.ip_address }],
      });
    });
  });

  it('waits until Nova has finished detaching before unplugNetwork returns', async () => {
    bed = await startTestbed({ cloud: { detachDelayMs: 150 } });
    const amphora = await newAmphora();
    const computeId = amphora.computeId ?? '';
    const plugged = await bed.drivers.network.plugNetwork({ computeId, networkId: SEED.memberNetworkId });
    await bed.drivers.network.unplugNetwork({ computeId, networkId: SEED.memberNetworkId });
    expect(bed.cloud.state.ports.has(plugged.portId)).toBe(false);
    const polls = bed.cloud.seen({ service: 'compute', method: 'GET', path: /os-interface$/ });
    expect(polls.length).toBeGreaterThan(2);
  });

  it('fails unplugNetwork as retryable when Nova does not finish detaching in time', async () => {
    bed = await startTestbed({
      cloud: { detachDelayMs: 60_000 },
      drivers: { detachWait: { timeoutMs: 100, pollMs: 10 } },
    });
    const amphora = await newAmphora();
    const computeId = amphora.computeId ?? '';
    const plugged = await bed.drivers.network.plugNetwork({ computeId, networkId: SEED.memberNetworkId });
    const err = await rejectionOf(bed.drivers.network.unplugNetwork({ computeId, networkId: SEED.memberNetworkId }));
    expect(err).toBeInstanceOf(UnplugNetworkError);
    expect(err.retryable).toBe(true);
    expect(err.message).toContain(`Nova has not detached port(s) ${plugged.portId} after 100 ms`);
  });

  it('lists ports across pages', async () => {
    bed = await startTestbed({ cloud: { neutronMaxLimit: 2 } });
    const prefix = `octavia-lb-vrrp-${randomUUID().slice(0, 8)}`;
    const made: string[] = [];
    for (let index = 0; index < 5; index += 1) {
      made.push(
        (await bed.drivers.network.createPort({ name: `${prefix}-${index}`, networkId: SEED.vipNetworkId })).id,
      );
    }
    const listed = await bed.drivers.network.listPorts(prefix);
    expect(listed.map((port) => port.id).sort()).toEqual([...made].sort());
  });
});

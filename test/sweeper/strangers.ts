import { randomUUID } from 'node:crypto';
import type { NoopDrivers } from '../../src/drivers';
import { amphoraName, vipPortName, vipSecurityGroupName, vrrpPortName } from '../../src/models';

/** One resource of someone else's in the noop cloud. */
export interface Stranger {
  kind: 'server' | 'port' | 'securityGroup';
  id: string;
  name: string;
  /** Whose it is, for the failure message of a test that sees it go. */
  whose: string;
}

/**
 * Resources that have names like ours but were not made by this service, written straight into the noop cloud as
 * other tenants and a neighbouring Octavia make them through the cloud's API (not through our drivers, so they carry
 * no mark of ours): a tenant's security groups `lb-web` and `lb-<uuid>`, a neighbouring Octavia's VIP port
 * `octavia-lb-<uuid>` (device_owner `Octavia`, as ours has) and its amphora base port `octavia-lb-vrrp-<uuid>`, and
 * a server named `amphora-<uuid>` without our metadata.
 */
export function plantStrangers(drivers: NoopDrivers): Stranger[] {
  const { cloud } = drivers;
  const neighbourLb = randomUUID();
  return cloud.transact((tx) => {
    const subnet = tx.get('subnets', 'vip-subnet');
    if (!subnet) throw new Error('the noop cloud has no vip-subnet to plant ports on');
    const group = (name: string, whose: string): Stranger => {
      const id = randomUUID();
      cloud.create(tx, 'securityGroup', id, name, { id, name, rules: [{ protocol: 'TCP', port: 443 }] });
      return { kind: 'securityGroup', id, name, whose };
    };
    const port = (name: string, whose: string): Stranger => {
      const made = cloud.createPort(
        tx,
        {
          name,
          networkId: subnet.networkId,
          deviceId: `lb-${neighbourLb}`,
          deviceOwner: 'Octavia',
          adminStateUp: false,
          autoDelete: false,
        },
        subnet,
      );
      return { kind: 'port', id: made.id, name, whose };
    };
    const server = (name: string, whose: string): Stranger => {
      const computeId = randomUUID();
      const now = cloud.now();
      cloud.create(tx, 'server', computeId, name, { computeId, name, state: 'ACTIVE', readyAt: now, createdAt: now });
      return { kind: 'server', id: computeId, name, whose };
    };
    return [
      group('lb-web', "a tenant's security group"),
      group(vipSecurityGroupName(randomUUID()), "a tenant's security group with a UUID in its name"),
      port(vipPortName(neighbourLb), "a neighbouring Octavia's VIP port"),
      port(vrrpPortName(randomUUID()), "a neighbouring Octavia's amphora base port"),
      server(amphoraName(randomUUID()), "someone else's server named like an amphora"),
    ];
  });
}

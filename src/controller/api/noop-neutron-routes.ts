import { Hono } from 'hono';
import type { NoopCloud } from '../../drivers/noop/cloud';
import type { ApiEnv, Caller } from './context';
import { ApiFault } from './faults';

/**
 * Neutron's read-only lookups of networks, subnets and ports, answered from the noop cloud. Only with the noop
 * network driver, and only so that stock clients (the openstack CLI resolves `--vip-subnet-id` through Neutron) work
 * against a local setup that has no Neutron; a real cloud's Neutron answers these itself. Scoped as Neutron scopes
 * them: a project sees its own ports and the shared networks and subnets; the service's own ports (amphorae) and
 * other projects' are not shown to it.
 */
/** A Neutron resource as these routes show it: ports have no `shared`, and the service's own have no project. */
type Scoped = { id: string; name: string; shared?: boolean; project_id: string | null };

export function noopNeutronRoutes(cloud: NoopCloud): Hono<ApiEnv> {
  const routes = new Hono<ApiEnv>();
  const read = <T>(body: (tx: Parameters<Parameters<NoopCloud['transact']>[0]>[0]) => T) => cloud.transact(body);

  const networks = () =>
    read((tx) => tx.list('networks')).map((network) => ({
      id: network.id,
      name: network.name,
      subnets: network.subnetIds,
      status: 'ACTIVE',
      admin_state_up: true,
      // The noop cloud's seeded networks belong to no project: the cloud's own, shared with every project.
      shared: network.projectId === undefined,
      'router:external': network.routerExternal ?? false,
      mtu: network.mtu ?? 1500,
      project_id: network.projectId ?? null,
    }));
  const subnets = () =>
    read((tx) => tx.list('subnets')).map((subnet) => ({
      id: subnet.id,
      name: subnet.name,
      network_id: subnet.networkId,
      cidr: subnet.cidr,
      ip_version: subnet.ipVersion,
      gateway_ip: subnet.gatewayIp ?? null,
      enable_dhcp: true,
      host_routes: subnet.hostRoutes,
      shared: subnet.projectId === undefined,
      project_id: subnet.projectId ?? null,
    }));
  const ports = () =>
    read((tx) => tx.list('ports')).map((port) => ({
      id: port.id,
      name: port.name,
      network_id: port.networkId,
      fixed_ips: port.fixedIps.map((fixedIp) => ({ subnet_id: fixedIp.subnetId, ip_address: fixedIp.ipAddress })),
      device_id: port.deviceId ?? '',
      device_owner: port.deviceOwner ?? '',
      admin_state_up: port.adminStateUp,
      mac_address: port.macAddress ?? null,
      status: port.deviceId ? 'ACTIVE' : 'DOWN',
      allowed_address_pairs: port.allowedAddressPairs.map((pair) => ({ ip_address: pair.ipAddress })),
      security_groups: port.securityGroupIds,
      project_id: port.projectId ?? null,
    }));

  /** What Neutron shows a caller: an operator everything, a project its own and what is shared. */
  const visible = (caller: Caller, item: Scoped) =>
    caller.admin || item.shared === true || (item.project_id !== null && item.project_id === caller.projectId);
  const collection = <T extends Scoped>(plural: string, singular: string, list: () => T[]) => {
    routes.get(`/${plural}`, (c) => {
      const { id, name } = c.req.query();
      const caller = c.get('caller');
      const found = list().filter(
        (item) =>
          visible(caller, item) && (id === undefined || item.id === id) && (name === undefined || item.name === name),
      );
      return c.json({ [plural]: found });
    });
    routes.get(`/${plural}/:id`, (c) => {
      const caller = c.get('caller');
      const item = list().find((candidate) => candidate.id === c.req.param('id') && visible(caller, candidate));
      if (!item) throw new ApiFault(404, `${singular} ${c.req.param('id')} could not be found.`);
      return c.json({ [singular]: item });
    });
  };
  collection('networks', 'network', networks);
  collection('subnets', 'subnet', subnets);
  collection('ports', 'port', ports);
  return routes;
}

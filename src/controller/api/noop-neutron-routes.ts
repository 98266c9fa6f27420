import { Hono } from 'hono';
import type { NoopCloud } from '../../drivers/noop/cloud';
import type { ApiEnv } from './context';
import { ApiFault } from './faults';

/**
 * Neutron's read-only lookups of networks, subnets and ports, answered from the noop cloud. Only with the noop
 * network driver, and only so that stock clients (the openstack CLI resolves `--vip-subnet-id` through Neutron) work
 * against a local setup that has no Neutron; a real cloud's Neutron answers these itself.
 */
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
      shared: false,
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

  const collection = <T extends { id: string; name: string }>(plural: string, singular: string, list: () => T[]) => {
    routes.get(`/${plural}`, (c) => {
      const { id, name } = c.req.query();
      const found = list().filter(
        (item) => (id === undefined || item.id === id) && (name === undefined || item.name === name),
      );
      return c.json({ [plural]: found });
    });
    routes.get(`/${plural}/:id`, (c) => {
      const item = list().find((candidate) => candidate.id === c.req.param('id'));
      if (!item) throw new ApiFault(404, `${singular} ${c.req.param('id')} could not be found.`);
      return c.json({ [singular]: item });
    });
  };
  collection('networks', 'network', networks);
  collection('subnets', 'subnet', subnets);
  collection('ports', 'port', ports);
  return routes;
}

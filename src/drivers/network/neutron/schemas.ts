import { z } from 'zod';
import type { Network, Port, Subnet } from '../../../models';

export const NeutronNetworkSchema = z.object({
  id: z.string(),
  name: z.string(),
  subnets: z.array(z.string()).default([]),
  project_id: z.string().optional(),
  mtu: z.number().int().nullish(),
  'provider:network_type': z.string().nullish(),
  'provider:segmentation_id': z.number().int().nullish(),
  'router:external': z.boolean().optional(),
  port_security_enabled: z.boolean().optional(),
});
export type NeutronNetwork = z.infer<typeof NeutronNetworkSchema>;

export const NeutronSubnetSchema = z.object({
  id: z.string(),
  name: z.string(),
  network_id: z.string(),
  cidr: z.string(),
  ip_version: z.union([z.literal(4), z.literal(6)]),
  gateway_ip: z.string().nullish(),
  host_routes: z.array(z.object({ destination: z.string(), nexthop: z.string() })).default([]),
  project_id: z.string().optional(),
});
export type NeutronSubnet = z.infer<typeof NeutronSubnetSchema>;

export const NeutronPortSchema = z.object({
  id: z.string(),
  name: z.string(),
  /** Set at create; the ports this service makes carry a description of their own. */
  description: z.string().nullish(),
  network_id: z.string(),
  device_id: z.string().default(''),
  device_owner: z.string().default(''),
  fixed_ips: z.array(z.object({ subnet_id: z.string(), ip_address: z.string() })),
  mac_address: z.string().optional(),
  admin_state_up: z.boolean(),
  allowed_address_pairs: z.array(z.object({ ip_address: z.string(), mac_address: z.string().optional() })).default([]),
  security_groups: z.array(z.string()).default([]),
  qos_policy_id: z.string().nullish(),
  project_id: z.string().optional(),
  status: z.string().optional(),
  created_at: z.string().optional(),
});
export type NeutronPort = z.infer<typeof NeutronPortSchema>;

export const NeutronSecurityGroupRuleSchema = z.object({
  id: z.string(),
  direction: z.string(),
  ethertype: z.string(),
  protocol: z.string().nullish(),
  port_range_min: z.number().int().nullish(),
  port_range_max: z.number().int().nullish(),
  remote_ip_prefix: z.string().nullish(),
  remote_group_id: z.string().nullish(),
});
export type NeutronSecurityGroupRule = z.infer<typeof NeutronSecurityGroupRuleSchema>;

export const NeutronSecurityGroupSchema = z.object({
  id: z.string(),
  name: z.string(),
  /** Set at create; the VIP security groups this service makes carry a description of their own. */
  description: z.string().nullish(),
  security_group_rules: z.array(NeutronSecurityGroupRuleSchema).default([]),
  created_at: z.string().optional(),
});
export type NeutronSecurityGroup = z.infer<typeof NeutronSecurityGroupSchema>;

const orUndefined = <T>(value: T | null | undefined): T | undefined => value ?? undefined;

export function toNetwork(network: NeutronNetwork): Network {
  return {
    id: network.id,
    name: network.name,
    subnetIds: network.subnets,
    projectId: network.project_id,
    mtu: orUndefined(network.mtu),
    providerNetworkType: orUndefined(network['provider:network_type']),
    providerSegmentationId: orUndefined(network['provider:segmentation_id']),
    routerExternal: network['router:external'],
    portSecurityEnabled: network.port_security_enabled,
  };
}

export function toSubnet(subnet: NeutronSubnet): Subnet {
  return {
    id: subnet.id,
    name: subnet.name,
    networkId: subnet.network_id,
    cidr: subnet.cidr,
    ipVersion: subnet.ip_version,
    gatewayIp: orUndefined(subnet.gateway_ip),
    hostRoutes: subnet.host_routes,
    projectId: subnet.project_id,
  };
}

export function toPort(port: NeutronPort): Port {
  return {
    id: port.id,
    name: port.name,
    description: orUndefined(port.description),
    networkId: port.network_id,
    deviceId: port.device_id || undefined,
    deviceOwner: port.device_owner || undefined,
    fixedIps: port.fixed_ips.map((fixedIp) => ({ subnetId: fixedIp.subnet_id, ipAddress: fixedIp.ip_address })),
    macAddress: port.mac_address,
    adminStateUp: port.admin_state_up,
    allowedAddressPairs: port.allowed_address_pairs.map((pair) => ({
      ipAddress: pair.ip_address,
      macAddress: pair.mac_address,
    })),
    securityGroupIds: port.security_groups,
    qosPolicyId: orUndefined(port.qos_policy_id),
    projectId: port.project_id,
    status: port.status,
  };
}

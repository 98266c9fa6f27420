import { z } from 'zod';

/** An id as the cloud hands it out: any non-empty string without surrounding blanks. */
export const ResourceIdSchema = z
  .string({ error: 'expected an id string' })
  .min(1, 'must not be empty')
  .max(255, 'must be at most 255 characters')
  .regex(/^\S(.*\S)?$/, 'must not start or end with blanks');

export const IpAddressSchema = z.union([z.ipv4(), z.ipv6()], { error: 'expected an IPv4 or IPv6 address' });

/**
 * A security group, as the orphan sweeper lists them: the VIP security groups are named `lb-<loadBalancerId>` and
 * carry `OWNED_DESCRIPTION`, set at create.
 */
export const SecurityGroupSchema = z.object({
  id: ResourceIdSchema,
  name: z.string(),
  description: z.string().optional(),
});
export type SecurityGroup = z.infer<typeof SecurityGroupSchema>;

/** One address of a port on one subnet. */
export const FixedIpSchema = z.object({ subnetId: ResourceIdSchema, ipAddress: IpAddressSchema });
export type FixedIp = z.infer<typeof FixedIpSchema>;

export const NetworkSchema = z.object({
  id: ResourceIdSchema,
  name: z.string(),
  subnetIds: z.array(ResourceIdSchema),
  projectId: z.string().optional(),
  mtu: z.number().int().positive().optional(),
  providerNetworkType: z.string().optional(),
  providerSegmentationId: z.number().int().optional(),
  routerExternal: z.boolean().optional(),
  portSecurityEnabled: z.boolean().optional(),
});
export type Network = z.infer<typeof NetworkSchema>;

export const HostRouteSchema = z.object({ destination: z.string(), nexthop: IpAddressSchema });

export const SubnetSchema = z.object({
  id: ResourceIdSchema,
  name: z.string(),
  networkId: ResourceIdSchema,
  cidr: z.string(),
  ipVersion: z.union([z.literal(4), z.literal(6)]),
  gatewayIp: IpAddressSchema.optional(),
  hostRoutes: z.array(HostRouteSchema).default([]),
  projectId: z.string().optional(),
});
export type Subnet = z.infer<typeof SubnetSchema>;

export const PortSchema = z.object({
  id: ResourceIdSchema,
  name: z.string(),
  /** Set at create; the ports this service makes carry `OWNED_DESCRIPTION`, the mark the orphan sweeper looks for. */
  description: z.string().optional(),
  networkId: ResourceIdSchema,
  /** The compute instance the port is attached to, if any. */
  deviceId: z.string().optional(),
  deviceOwner: z.string().optional(),
  fixedIps: z.array(FixedIpSchema),
  macAddress: z.string().optional(),
  adminStateUp: z.boolean(),
  allowedAddressPairs: z.array(z.object({ ipAddress: IpAddressSchema, macAddress: z.string().optional() })).default([]),
  securityGroupIds: z.array(ResourceIdSchema).default([]),
  qosPolicyId: z.string().optional(),
  projectId: z.string().optional(),
  status: z.string().optional(),
});
export type Port = z.infer<typeof PortSchema>;

/** A compute instance's attachment to a network through a port. */
export const InterfaceSchema = z.object({
  computeId: ResourceIdSchema,
  networkId: ResourceIdSchema,
  portId: ResourceIdSchema,
  fixedIps: z.array(FixedIpSchema),
});
export type Interface = z.infer<typeof InterfaceSchema>;

/** What an amphora needs to know of its VIP-side networking to configure itself (Octavia's AmphoraNetworkConfig). */
export const AmphoraNetworkConfigSchema = z.object({
  amphoraId: ResourceIdSchema,
  vipSubnet: SubnetSchema,
  vipPort: PortSchema,
  vrrpSubnet: SubnetSchema,
  vrrpPort: PortSchema,
  haSubnet: SubnetSchema,
  haPort: PortSchema,
});
export type AmphoraNetworkConfig = z.infer<typeof AmphoraNetworkConfigSchema>;

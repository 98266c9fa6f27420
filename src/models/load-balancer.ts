import { z } from 'zod';
import {
  AmphoraRoleSchema,
  AmphoraStatusSchema,
  OperatingStatusSchema,
  ProvisioningStatusSchema,
  TopologySchema,
} from './enums';
import { IpAddressSchema, ResourceIdSchema } from './network';
import { LoadBalancerTreeSchema } from './tree';

/** A load balancer's virtual IP: the frontend address clients connect to. */
export const VipSchema = z.object({
  ipAddress: IpAddressSchema,
  subnetId: ResourceIdSchema,
  networkId: ResourceIdSchema,
  portId: ResourceIdSchema,
  qosPolicyId: ResourceIdSchema.optional(),
  /** True when this service created the VIP port and may delete it; a port the user supplied is never deleted. */
  octaviaOwned: z.boolean(),
});
export type Vip = z.infer<typeof VipSchema>;

/** One amphora (VM, container, bare-metal server or appliance) carrying a load balancer. */
export const AmphoraSchema = z.object({
  id: ResourceIdSchema,
  loadBalancerId: ResourceIdSchema.optional(),
  computeId: ResourceIdSchema.optional(),
  status: AmphoraStatusSchema,
  role: AmphoraRoleSchema.optional(),
  /** Address on the management network, through which the controller reaches the amphora's agent. */
  lbNetworkIp: IpAddressSchema.optional(),
  /** Address of the amphora's own port on the VIP network (its base port, `octavia-lb-vrrp-<id>`). */
  vrrpIp: IpAddressSchema.optional(),
  /** The VIP address this amphora serves. */
  haIp: IpAddressSchema.optional(),
  vrrpPortId: ResourceIdSchema.optional(),
  haPortId: ResourceIdSchema.optional(),
  cachedZone: z.string().optional(),
  imageId: z.string().optional(),
  computeFlavor: z.string().optional(),
});
export type Amphora = z.infer<typeof AmphoraSchema>;

export const LoadBalancerSchema = z.object({
  id: ResourceIdSchema,
  projectId: ResourceIdSchema,
  name: z.string().max(255).default(''),
  description: z.string().max(255).default(''),
  provisioningStatus: ProvisioningStatusSchema,
  operatingStatus: OperatingStatusSchema,
  topology: TopologySchema,
  vip: VipSchema.optional(),
  amphorae: z.array(AmphoraSchema).default([]),
  serverGroupId: ResourceIdSchema.optional(),
  /** The member networks plugged into every amphora; a failover plugs them into the replacement. */
  memberNetworkIds: z.array(ResourceIdSchema).optional(),
  flavorId: ResourceIdSchema.optional(),
  availabilityZone: z.string().optional(),
  tags: z.array(z.string().max(255)).default([]),
  /** Listeners, pools, members, health monitors and L7 policies: absent on a record from before the object model. */
  tree: LoadBalancerTreeSchema.optional(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime().optional(),
});
export type LoadBalancer = z.infer<typeof LoadBalancerSchema>;

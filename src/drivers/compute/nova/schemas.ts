import { z } from 'zod';

/**
 * The Nova API microversion every call asks for. 2.56 is the newest that still accepts `personality` (config-drive
 * files) on server create, which 2.57 removed; so server groups take the `policies: [...]` list (the single `policy`
 * field arrived in 2.64), and a server's flavor is `{id}` (2.47 embedded it as `{original_name, ...}`, which the
 * parser also reads, for a cloud that answers with a newer microversion).
 */
export const NOVA_MICROVERSION = '2.56';

export const NovaFaultSchema = z.object({
  code: z.number().int(),
  message: z.string(),
  details: z.string().optional(),
});

const NovaAddressSchema = z.object({ addr: z.string(), version: z.number().optional() });

export const NovaServerSchema = z.object({
  id: z.string(),
  name: z.string(),
  status: z.string(),
  /** Addresses keyed by network *name*. */
  addresses: z.record(z.string(), z.array(NovaAddressSchema)).default({}),
  /** An empty string when the server booted from a volume. */
  image: z.union([z.object({ id: z.string() }), z.literal('')]).optional(),
  flavor: z.object({ id: z.string().optional(), original_name: z.string().optional() }).optional(),
  'OS-EXT-AZ:availability_zone': z.string().nullish(),
  fault: NovaFaultSchema.optional(),
  created: z.string().optional(),
  /** Key-value pairs set at create (or later); ours carry `ownedMetadata(name)`. */
  metadata: z.record(z.string(), z.string()).optional(),
});
export type NovaServer = z.infer<typeof NovaServerSchema>;

export const NovaInterfaceSchema = z.object({
  port_id: z.string(),
  net_id: z.string(),
  fixed_ips: z.array(z.object({ ip_address: z.string(), subnet_id: z.string() })).default([]),
  mac_addr: z.string().optional(),
  port_state: z.string().optional(),
});
export type NovaInterface = z.infer<typeof NovaInterfaceSchema>;

const PolicySchema = z.enum(['anti-affinity', 'affinity', 'soft-anti-affinity', 'soft-affinity']);

export const NovaServerGroupSchema = z.object({
  id: z.string(),
  name: z.string(),
  policies: z.array(PolicySchema).min(1).optional(),
  policy: PolicySchema.optional(),
  members: z.array(z.string()).default([]),
});
export type NovaServerGroup = z.infer<typeof NovaServerGroupSchema>;

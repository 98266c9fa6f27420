import { z } from 'zod';
import { ObjectBaseSchema } from './object-base';
import { ResourceIdSchema } from './network';

/** Octavia's listener protocols. PROMETHEUS (an exporter endpoint) is not served here. */
export const ListenerProtocolSchema = z.enum(['HTTP', 'HTTPS', 'TCP', 'UDP', 'SCTP', 'TERMINATED_HTTPS']);
export type ListenerProtocol = z.infer<typeof ListenerProtocolSchema>;

/** Headers haproxy inserts into requests, by Octavia's names; values are the strings `"true"`/`"false"`. */
export const INSERT_HEADERS = [
  'X-Forwarded-For',
  'X-Forwarded-Port',
  'X-Forwarded-Proto',
  'X-SSL-Client-Verify',
  'X-SSL-Client-Has-Cert',
  'X-SSL-Client-DN',
  'X-SSL-Client-CN',
  'X-SSL-Issuer',
  'X-SSL-Client-SHA1',
  'X-SSL-Client-Not-Before',
  'X-SSL-Client-Not-After',
] as const;
export type InsertHeader = (typeof INSERT_HEADERS)[number];

/** How a TERMINATED_HTTPS listener treats client certificates. */
export const ClientAuthenticationSchema = z.enum(['NONE', 'OPTIONAL', 'MANDATORY']);

/** One frontend of a load balancer: a protocol and port on its VIP. Timeouts are in milliseconds, as in Octavia. */
export const ListenerSchema = ObjectBaseSchema.extend({
  description: z.string().max(255).default(''),
  loadBalancerId: ResourceIdSchema,
  protocol: ListenerProtocolSchema,
  protocolPort: z.number().int().min(1).max(65535),
  /** -1: unlimited. */
  connectionLimit: z.number().int().min(-1).default(-1),
  defaultPoolId: ResourceIdSchema.optional(),
  /** TERMINATED_HTTPS: the certificate (a Barbican container or secret reference) the listener presents. */
  defaultTlsContainerRef: z.string().max(255).optional(),
  sniContainerRefs: z.array(z.string().max(255)).default([]),
  clientCaTlsContainerRef: z.string().max(255).optional(),
  clientAuthentication: ClientAuthenticationSchema.default('NONE'),
  clientCrlContainerRef: z.string().max(255).optional(),
  insertHeaders: z.partialRecord(z.enum(INSERT_HEADERS), z.enum(['true', 'false'])).default({}),
  timeoutClientData: z.number().int().min(0).max(86_400_000).default(50_000),
  timeoutMemberConnect: z.number().int().min(0).max(86_400_000).default(5_000),
  timeoutMemberData: z.number().int().min(0).max(86_400_000).default(50_000),
  timeoutTcpInspect: z.number().int().min(0).max(86_400_000).default(0),
  /** Source CIDRs allowed to connect; empty: everyone. */
  allowedCidrs: z.array(z.string()).default([]),
  tlsCiphers: z.string().optional(),
  tlsVersions: z.array(z.string()).optional(),
  alpnProtocols: z.array(z.string()).optional(),
  hstsMaxAge: z.number().int().min(0).optional(),
  hstsIncludeSubdomains: z.boolean().default(false),
  hstsPreload: z.boolean().default(false),
});
export type Listener = z.infer<typeof ListenerSchema>;

import { z } from 'zod';
import { ObjectBaseSchema } from './object-base';
import { ResourceIdSchema } from './network';

/** Octavia's pool protocols: what the amphora speaks to the members. */
export const PoolProtocolSchema = z.enum(['HTTP', 'HTTPS', 'TCP', 'UDP', 'SCTP', 'PROXY', 'PROXYV2']);
export type PoolProtocol = z.infer<typeof PoolProtocolSchema>;

export const LbAlgorithmSchema = z.enum(['ROUND_ROBIN', 'LEAST_CONNECTIONS', 'SOURCE_IP', 'SOURCE_IP_PORT']);
export type LbAlgorithm = z.infer<typeof LbAlgorithmSchema>;

export const SessionPersistenceTypeSchema = z.enum(['SOURCE_IP', 'HTTP_COOKIE', 'APP_COOKIE']);

/** Which member a returning client goes to. `cookieName` only for APP_COOKIE; timeout and granularity for UDP. */
export const SessionPersistenceSchema = z.object({
  type: SessionPersistenceTypeSchema,
  cookieName: z.string().max(255).optional(),
  /** Seconds (UDP and SCTP pools). */
  persistenceTimeout: z.number().int().min(0).optional(),
  /** A netmask (UDP and SCTP pools). */
  persistenceGranularity: z.string().optional(),
});
export type SessionPersistence = z.infer<typeof SessionPersistenceSchema>;

/** A set of members that traffic is balanced over; the default pool of listeners, or the target of L7 policies. */
export const PoolSchema = ObjectBaseSchema.extend({
  description: z.string().max(255).default(''),
  loadBalancerId: ResourceIdSchema,
  protocol: PoolProtocolSchema,
  lbAlgorithm: LbAlgorithmSchema,
  sessionPersistence: SessionPersistenceSchema.optional(),
  /** Re-encrypt to the members (HTTPS-style backends). */
  tlsEnabled: z.boolean().default(false),
  tlsContainerRef: z.string().max(255).optional(),
  caTlsContainerRef: z.string().max(255).optional(),
  crlContainerRef: z.string().max(255).optional(),
  tlsCiphers: z.string().optional(),
  tlsVersions: z.array(z.string()).optional(),
  alpnProtocols: z.array(z.string()).optional(),
});
export type Pool = z.infer<typeof PoolSchema>;

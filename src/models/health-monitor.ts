import { z } from 'zod';
import { ObjectBaseSchema } from './object-base';
import { ResourceIdSchema } from './network';

export const HealthMonitorTypeSchema = z.enum(['HTTP', 'HTTPS', 'PING', 'TCP', 'TLS-HELLO', 'UDP-CONNECT', 'SCTP']);
export type HealthMonitorType = z.infer<typeof HealthMonitorTypeSchema>;

export const HttpMethodSchema = z.enum([
  'CONNECT',
  'DELETE',
  'GET',
  'HEAD',
  'OPTIONS',
  'PATCH',
  'POST',
  'PUT',
  'TRACE',
]);

/** How a pool's members are checked. Times are in seconds, as in Octavia. One per pool. */
export const HealthMonitorSchema = ObjectBaseSchema.extend({
  poolId: ResourceIdSchema,
  type: HealthMonitorTypeSchema,
  delay: z.number().int().min(0),
  timeout: z.number().int().min(0),
  /** Successful checks before a member is up again (1..10). */
  maxRetries: z.number().int().min(1).max(10),
  /** Failed checks before a member is down (1..10). */
  maxRetriesDown: z.number().int().min(1).max(10).default(3),
  /** HTTP and HTTPS monitors only. */
  httpMethod: HttpMethodSchema.optional(),
  urlPath: z.string().optional(),
  expectedCodes: z.string().optional(),
  httpVersion: z.union([z.literal(1.0), z.literal(1.1)]).optional(),
  domainName: z.string().optional(),
});
export type HealthMonitor = z.infer<typeof HealthMonitorSchema>;

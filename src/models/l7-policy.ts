import { z } from 'zod';
import { ObjectBaseSchema } from './object-base';
import { ResourceIdSchema } from './network';

export const L7PolicyActionSchema = z.enum(['REDIRECT_TO_POOL', 'REDIRECT_TO_URL', 'REDIRECT_PREFIX', 'REJECT']);
export type L7PolicyAction = z.infer<typeof L7PolicyActionSchema>;

/** A listener's content rule: when all of its rules match, the action applies. Lower positions are checked first. */
export const L7PolicySchema = ObjectBaseSchema.extend({
  description: z.string().max(255).default(''),
  listenerId: ResourceIdSchema,
  action: L7PolicyActionSchema,
  /** 1-based order among the listener's policies. */
  position: z.number().int().min(1),
  redirectPoolId: ResourceIdSchema.optional(),
  redirectUrl: z.string().optional(),
  redirectPrefix: z.string().optional(),
  /** 301, 302, 303, 307 or 308, for REDIRECT_TO_URL and REDIRECT_PREFIX. */
  redirectHttpCode: z.number().int().optional(),
});
export type L7Policy = z.infer<typeof L7PolicySchema>;

export const L7RuleTypeSchema = z.enum([
  'HOST_NAME',
  'PATH',
  'FILE_TYPE',
  'HEADER',
  'COOKIE',
  'SSL_CONN_HAS_CERT',
  'SSL_VERIFY_RESULT',
  'SSL_DN_FIELD',
]);
export type L7RuleType = z.infer<typeof L7RuleTypeSchema>;

export const L7CompareTypeSchema = z.enum(['REGEX', 'STARTS_WITH', 'ENDS_WITH', 'CONTAINS', 'EQUAL_TO']);
export type L7CompareType = z.infer<typeof L7CompareTypeSchema>;

/** One condition of an L7 policy. `key` names the header, cookie or DN field for those types. */
export const L7RuleSchema = ObjectBaseSchema.omit({ name: true }).extend({
  l7PolicyId: ResourceIdSchema,
  type: L7RuleTypeSchema,
  compareType: L7CompareTypeSchema,
  key: z.string().max(255).optional(),
  value: z.string().max(255),
  invert: z.boolean().default(false),
});
export type L7Rule = z.infer<typeof L7RuleSchema>;

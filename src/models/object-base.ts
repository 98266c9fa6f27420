import { z } from 'zod';
import { OperatingStatusSchema, ProvisioningStatusSchema } from './enums';
import { ResourceIdSchema } from './network';

/**
 * The fields every object under a load balancer has (listeners, pools, members, health monitors, L7 policies and
 * rules): Octavia's common columns, in this codebase's camelCase.
 */
export const ObjectBaseSchema = z.object({
  id: ResourceIdSchema,
  projectId: ResourceIdSchema,
  name: z.string().max(255).default(''),
  provisioningStatus: ProvisioningStatusSchema,
  operatingStatus: OperatingStatusSchema,
  adminStateUp: z.boolean().default(true),
  tags: z.array(z.string().max(255)).max(50).default([]),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime().optional(),
});
export type ObjectBase = z.infer<typeof ObjectBaseSchema>;

import { z } from 'zod';
import { ObjectBaseSchema } from './object-base';
import { IpAddressSchema, ResourceIdSchema } from './network';

/** A backend server of a pool. */
export const MemberSchema = ObjectBaseSchema.extend({
  poolId: ResourceIdSchema,
  address: IpAddressSchema,
  protocolPort: z.number().int().min(1).max(65535),
  /** 0 drains the member (no new connections); at most 256. */
  weight: z.number().int().min(0).max(256).default(1),
  /** Used only when every non-backup member is down. */
  backup: z.boolean().default(false),
  /** The subnet the member is reached on; its network is plugged into the amphorae. Absent: the VIP network. */
  subnetId: ResourceIdSchema.optional(),
  monitorAddress: IpAddressSchema.optional(),
  monitorPort: z.number().int().min(1).max(65535).optional(),
});
export type Member = z.infer<typeof MemberSchema>;

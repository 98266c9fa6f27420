import { z } from 'zod';
import { NO_CONTROL_CHARACTERS } from '../../models';

/** Ids this API hands out are UUIDs; anything else in a path is a bad request, not a missing resource. */
export const UuidSchema = z.uuid({ error: 'Value should be UUID format' });

/** Ids of networks, subnets and ports: the cloud's own, not always UUIDs (the noop cloud's are names). */
export const CloudId = z
  .string({ error: 'Value should be a string' })
  .min(1, 'Value should not be empty')
  .max(255)
  .regex(/^\S+$/, 'Value should not contain blanks');
/**
 * Text a tenant names things with: stored verbatim and found again by an exact filter, except control characters
 * (NUL, CR/LF, escape sequences), which would break visibility queries, logs and the operator's terminal.
 */
export const Text = z
  .string({ error: 'Value should be a string' })
  .max(255, 'Value should be at most 255 characters')
  .regex(NO_CONTROL_CHARACTERS, 'Value should not contain control characters');
export const Tags = z.array(Text, { error: 'Value should be a list of strings' }).max(50, 'At most 50 tags');

/** What both a create and an update may set. */
const EditableFields = {
  name: Text.nullish(),
  description: Text.nullish(),
  admin_state_up: z.boolean({ error: 'Value should be a boolean' }).nullish(),
  tags: Tags.nullish(),
};

/** The body of POST /lbaas/loadbalancers. Unknown attributes are refused, as Octavia does. */
export const CreateLoadBalancerBody = z
  .object(
    {
      loadbalancer: z
        .object(
          {
            ...EditableFields,
            project_id: CloudId.nullish(),
            tenant_id: CloudId.nullish(),
            vip_subnet_id: CloudId.nullish(),
            vip_network_id: CloudId.nullish(),
            vip_port_id: CloudId.nullish(),
            vip_address: z.union([z.ipv4(), z.ipv6()], { error: 'Value should be an IPv4 or IPv6 address' }).nullish(),
            vip_qos_policy_id: CloudId.nullish(),
            flavor_id: CloudId.nullish(),
            provider: z.enum(['amphora', 'octavia'], { error: "Value should be 'amphora'" }).nullish(),
            availability_zone: Text.nullish(),
            listeners: z
              .array(z.never(), {
                error: 'Listeners are not supported by this service; create the load balancer without them',
              })
              .max(0)
              .nullish(),
            pools: z
              .array(z.never(), {
                error: 'Pools are not supported by this service; create the load balancer without them',
              })
              .max(0)
              .nullish(),
          },
          { error: 'Value should be an object' },
        )
        .strict()
        .refine((lb) => lb.vip_subnet_id ?? lb.vip_network_id ?? lb.vip_port_id, {
          error: 'VIP must contain one of: vip_port_id, vip_network_id, vip_subnet_id.',
          path: ['vip_subnet_id'],
        }),
    },
    { error: 'Request body should be a JSON object with a "loadbalancer" object' },
  )
  .strict();

/** The body of PUT /lbaas/loadbalancers/{id}. */
export const UpdateLoadBalancerBody = z
  .object(
    {
      loadbalancer: z.object(EditableFields, { error: 'Value should be an object' }).strict(),
    },
    { error: 'Request body should be a JSON object with a "loadbalancer" object' },
  )
  .strict();

/** `cascade=true` or `cascade=True`, as Octavia accepts; absent means false. */
export const CascadeSchema = z
  .enum(['true', 'True', 'false', 'False'], { error: "Value should be 'true' or 'false'" })
  .optional()
  .transform((value) => value === 'true' || value === 'True');

/** Paging: at most `limit` items after the item `marker`. */
export const LimitSchema = z.coerce
  .number({ error: 'Value should be an integer' })
  .int('Value should be an integer')
  .min(1, 'Value should be at least 1')
  .max(1000, 'Value should be at most 1000');

/**
 * The heartbeat an amphora's agent sends the health manager, in Octavia's shape (`status_message` version 3): the
 * amphora's id, a sequence number, and the status and counters of its listeners, pools and members as its haproxy
 * sees them.
 */
import { z } from 'zod';

/** The member states haproxy reports (Octavia maps them to ONLINE, OFFLINE, DRAINING, NO_MONITOR). */
export const MemberHealthSchema = z.enum(['UP', 'DOWN', 'DRAIN', 'MAINT', 'no check']);

const CounterSchema = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const IdSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9-]+$/, 'expected an id');

/** One heartbeat. Unknown fields are refused: a datagram that says more than this is not one of ours. */
export const HeartbeatSchema = z
  .object({
    ver: z.literal(3),
    /** The amphora's id. */
    id: IdSchema,
    /** Grows by one with every heartbeat of the amphora's agent: an older or equal one is a replay. */
    seq: CounterSchema,
    /** When the agent sent it, in milliseconds since the epoch: one far from now is refused. */
    sentAt: CounterSchema,
    listeners: z.record(
      IdSchema,
      z
        .object({
          status: z.enum(['OPEN', 'FULL', 'DOWN']),
          stats: z
            .object({
              conns: CounterSchema,
              totconns: CounterSchema,
              rx: CounterSchema,
              tx: CounterSchema,
              ereq: CounterSchema,
            })
            .strict(),
        })
        .strict(),
    ),
    pools: z.record(
      IdSchema,
      z.object({ status: z.enum(['UP', 'DOWN']), members: z.record(IdSchema, MemberHealthSchema) }).strict(),
    ),
  })
  .strict();
export type Heartbeat = z.infer<typeof HeartbeatSchema>;

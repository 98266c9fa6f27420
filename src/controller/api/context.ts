import type { Context } from 'hono';
import type { z } from 'zod';
import type { AmphoraLoadBalancerDriver } from '../../drivers/amphora/driver';
import type { AbstractNetworkDriver } from '../../drivers/network/driver';
import type { NoopCloud } from '../../drivers/noop/cloud';
import type { Logger } from '../../logger';
import { describeZodError } from '../../models';
import type { CatalogController } from '../catalog';
import type { HeartbeatSource } from '../health/data-plane';
import type { LoadBalancerController } from '../load-balancers';
import type { ControllerSettings } from '../settings';
import { ApiFault, invalidField } from './faults';
import type { KeystoneAuthenticator } from './keystone-auth';
import type { Caller } from './policy';

export type { Caller } from './policy';

/** Reads traffic counters from the amphorae (the amphora driver's getStats). */
export type StatsReader = Pick<AmphoraLoadBalancerDriver, 'getStats'>;

/** Variables the middleware sets on each request. */
export interface ApiEnv {
  Variables: { caller: Caller };
}

/** The lookups the API makes before it starts a create: the network driver's nullipotent reads. */
export type NetworkLookups = Pick<AbstractNetworkDriver, 'getNetwork' | 'getSubnet' | 'getPort'>;

/** What the routes work with. */
export interface ApiDependencies {
  controller: LoadBalancerController;
  settings: ControllerSettings;
  logger: Logger;
  /** With the noop network driver: the pretend cloud whose networks the Neutron lookups answer from. */
  noopCloud?: NoopCloud;
  /** Where a create's VIP subnet, network or port is looked up before anything starts. */
  network?: NetworkLookups;
  /** With AMPHORA_API_AUTH=keystone: who a token stands for. */
  keystone?: KeystoneAuthenticator;
  /** Flavors, availability zones, their profiles and quotas. */
  catalog: CatalogController;
  /** Where listener and load balancer statistics are read when there are no heartbeats. */
  stats?: StatsReader;
  /**
   * The amphorae's last heartbeats: with them, every operating status the API shows and every statistic it answers
   * comes from the data plane, as in Octavia; without them, statuses are the control plane's and statistics are asked
   * of the amphorae through {@link ApiDependencies.stats}.
   */
  heartbeats?: HeartbeatSource;
}

/** Reads and validates a JSON body; malformed JSON and each bad field become a 400 that names the field. */
export async function readBody<S extends z.ZodType>(c: Context<ApiEnv>, schema: S): Promise<z.output<S>> {
  const text = await c.req.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (err) {
    const reason = err instanceof Error ? err.message : 'not JSON';
    throw new ApiFault(400, `Malformed JSON in request body: ${reason}`);
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const { field, constraint } = describeZodError(parsed.error);
    // Octavia names the attribute, not the wrapper object it sits in.
    throw invalidField(field.replace(WRAPPER, ''), valueAt(body, field.split('.')), constraint);
  }
  return parsed.data;
}

/** The object a body wraps its fields in: Octavia names the attribute, not the wrapper. */
const WRAPPER =
  /^(loadbalancer|listener|pool|member|healthmonitor|l7policy|rule|quota|flavor|flavorprofile|availability_zone|availability_zone_profile)\./;

/** Validates one path or query value. */
export function readValue<S extends z.ZodType>(schema: S, value: unknown, field: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw invalidField(field, value, parsed.error.issues[0]?.message ?? 'Value is invalid');
  return parsed.data;
}

function valueAt(body: unknown, path: string[]): unknown {
  return path.reduce<unknown>(
    (node, key) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined),
    body,
  );
}

const forbidden = () => new ApiFault(403, 'Policy does not allow this request to be performed.');

/** Octavia's `load-balancer:read` on a project's resource: its own project's readers, global readers, admins. */
export function ensureRead(caller: Caller, projectId: string): void {
  if (!(caller.readsAll || (caller.readsOwn && caller.projectId === projectId))) throw forbidden();
}

/** Octavia's `load-balancer:write` on a project's resource: its own project's members, and admins. */
export function ensureWrite(caller: Caller, projectId: string): void {
  if (!(caller.admin || (caller.writesOwn && caller.projectId === projectId))) throw forbidden();
}

/** Octavia's `load-balancer:admin`: the amphora API and load-balancer failover are for operators. */
export function ensureAdmin(caller: Caller): void {
  if (!caller.admin) throw forbidden();
}

/**
 * The project a listing covers: the one asked for, if the caller may read it; else the caller's own; every project
 * (undefined) for a global reader who names none.
 */
export function listedProject(caller: Caller, asked: string | undefined): string | undefined {
  if (asked !== undefined) {
    ensureRead(caller, asked);
    return asked;
  }
  if (caller.readsAll) return undefined;
  if (!caller.readsOwn || caller.projectId === undefined) throw forbidden();
  return caller.projectId;
}

/** Octavia's `fields` query parameter, repeated or comma-separated: the fields to keep in each answer. */
export function requestedFields(c: Context<ApiEnv>): string[] {
  return (c.req.queries('fields') ?? []).flatMap((value) => value.split(',')).filter(Boolean);
}

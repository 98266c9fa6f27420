import { z } from 'zod';
import { parseOpenStackSettings, type OpenStackSettings } from '../drivers/openstack/settings';
import { ConfigError, parseEnv, wholeNumberVariable } from '../env';
import {
  QUOTA_RESOURCES,
  type QuotaLimits,
  type QuotaResource,
  AntiAffinityPolicySchema,
  TopologySchema,
  type AmphoraTemplate,
  type AntiAffinityPolicy,
  type Timing,
  type Topology,
} from '../models';
import { POLICY_NAMES, type PolicyName } from './api/policy';

/** How the REST API checks callers. */
export type ApiAuth =
  | { mode: 'token'; tokens: { token: string; projectId?: string }[] }
  | {
      mode: 'keystone';
      /** Keystone and the service user that validates tokens (the OS_* variables the OpenStack drivers use). */
      identity: OpenStackSettings;
      policy: PolicyName;
      cacheTtlMs: number;
    }
  | { mode: 'noauth' };

/** What the controller (REST API and CLI) needs beyond the Temporal connection. */
export interface ControllerSettings {
  api: {
    host: string;
    port: number;
    auth: ApiAuth;
    maxBodyBytes: number;
    /** How long a change waits for a worker to take it before the API answers 503 (nothing changed). */
    workerWaitMs: number;
  };
  /** Topology of a load balancer created without a flavor, and per flavor id. */
  defaultTopology: Topology;
  flavorTopologies: Record<string, Topology>;
  /** What new amphorae are built from (Octavia's amp_image_id, amp_flavor_id, amp_boot_network_list). */
  amphoraTemplate: AmphoraTemplate;
  /**
   * The availability zones a create may name (Octavia's availability zones, which an operator defines); Nova's
   * `zone:host` syntax, which would let a tenant pick a host, is never one of them.
   */
  availabilityZones: string[];
  /** Octavia's [nova] anti_affinity_policy, for ACTIVE_STANDBY load balancers. */
  antiAffinityPolicy: AntiAffinityPolicy;
  /** Octavia's amp_active_wait_sec and amp_active_retries, for the operations the controller starts. */
  timing: Pick<Timing, 'buildPollIntervalMs' | 'buildPollAttempts'>;
  /** Octavia's [quotas] defaults: each project's limits until an operator sets its own (-1: unlimited). */
  quotaDefaults: QuotaLimits;
}

/** AMPHORA_QUOTA_<RESOURCE>: the default limit of each resource. */
const quotaVariable = (resource: QuotaResource) => `AMPHORA_QUOTA_${resource.toUpperCase()}`;

const whole = wholeNumberVariable;

const SettingsSchema = z.object({
  AMPHORA_API_LISTEN: z
    .string()
    .regex(/^[A-Za-z0-9.:[\]-]+:\d{1,5}$/, 'expected host:port, for example 127.0.0.1:9876')
    .default('127.0.0.1:9876'),
  AMPHORA_API_AUTH: z
    .enum(['token', 'keystone', 'noauth'], { error: 'expected token, keystone or noauth' })
    .default('token'),
  AMPHORA_API_POLICY: z.enum(POLICY_NAMES, { error: `expected ${POLICY_NAMES.join(' or ')}` }).default('octavia'),
  AMPHORA_KEYSTONE_CACHE_SECONDS: whole(0, 'seconds >= 0').default(300),
  AMPHORA_API_TOKENS: z
    .string()
    .regex(/^[^\s,=]+(=[^\s,=]+)?(,[^\s,=]+(=[^\s,=]+)?)*$/, 'expected token[=project],token[=project],...')
    .optional(),
  AMPHORA_API_MAX_BODY_BYTES: whole(1024, 'a byte count >= 1024').default(65_536),
  AMPHORA_API_WORKER_WAIT_MS: whole(100, 'milliseconds >= 100').default(3_000),
  AMPHORA_DEFAULT_TOPOLOGY: TopologySchema.default('SINGLE'),
  AMPHORA_FLAVOR_TOPOLOGIES: z
    .string()
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'expected JSON, for example {"<flavor-id>": "ACTIVE_STANDBY"}' });
        return z.NEVER;
      }
    })
    .pipe(z.record(z.string(), TopologySchema, { error: 'expected {"<flavor-id>": "SINGLE" | "ACTIVE_STANDBY"}' }))
    .default({}),
  AMPHORA_AMP_IMAGE_ID: z.string().min(1).default('amphora-image'),
  AMPHORA_AMP_FLAVOR_ID: z.string().min(1).default('amphora-flavor'),
  AMPHORA_MGMT_NETWORK_ID: z.string().min(1).default('lb-mgmt-net'),
  AMPHORA_AMP_SSH_KEY_NAME: z.string().min(1).optional(),
  AMPHORA_AMP_SECURITY_GROUPS: z.string().optional(),
  AMPHORA_AVAILABILITY_ZONES: z
    .string()
    .regex(/^[^\s,:]+(,[^\s,:]+)*$/, 'expected zone,zone,... (names without blanks or ":")')
    .optional(),
  AMPHORA_ANTI_AFFINITY_POLICY: AntiAffinityPolicySchema.default('anti-affinity'),
  AMPHORA_BUILD_POLL_INTERVAL_MS: whole(1, 'milliseconds above 0').default(10_000),
  AMPHORA_BUILD_POLL_ATTEMPTS: whole(1, 'a number of looks above 0').default(30),
  ...Object.fromEntries(
    QUOTA_RESOURCES.map((resource) => [
      quotaVariable(resource),
      z.coerce
        .number({ error: 'expected a whole number, -1 for unlimited' })
        .int('expected a whole number, -1 for unlimited')
        .min(-1, 'expected -1 (unlimited) or more')
        .default(-1),
    ]),
  ),
});

/**
 * Reads the controller's settings from the environment (empty variables count as unset).
 *
 * @throws {@link ConfigError} naming every bad variable; with token auth, AMPHORA_API_TOKENS is required and tokens
 *   are never echoed.
 */
export function parseControllerSettings(env: Record<string, string | undefined>): ControllerSettings {
  const vars = parseEnv(SettingsSchema, env, { secrets: ['AMPHORA_API_TOKENS'] });
  const [host, port] = splitHostPort(vars.AMPHORA_API_LISTEN);
  let auth: ApiAuth = { mode: 'noauth' };
  if (vars.AMPHORA_API_AUTH === 'keystone') {
    auth = {
      mode: 'keystone',
      identity: parseOpenStackSettings(env),
      policy: vars.AMPHORA_API_POLICY,
      cacheTtlMs: vars.AMPHORA_KEYSTONE_CACHE_SECONDS * 1000,
    };
  } else if (vars.AMPHORA_API_AUTH === 'token') {
    auth = {
      mode: 'token',
      tokens: (vars.AMPHORA_API_TOKENS ?? '')
        .split(',')
        .filter(Boolean)
        .map((entry) => {
          const [token = '', projectId] = entry.split('=');
          return projectId ? { token, projectId } : { token };
        }),
    };
  }
  return {
    api: {
      host,
      port,
      auth,
      maxBodyBytes: vars.AMPHORA_API_MAX_BODY_BYTES,
      workerWaitMs: vars.AMPHORA_API_WORKER_WAIT_MS,
    },
    defaultTopology: vars.AMPHORA_DEFAULT_TOPOLOGY,
    flavorTopologies: vars.AMPHORA_FLAVOR_TOPOLOGIES,
    amphoraTemplate: {
      imageId: vars.AMPHORA_AMP_IMAGE_ID,
      flavor: vars.AMPHORA_AMP_FLAVOR_ID,
      managementNetworkId: vars.AMPHORA_MGMT_NETWORK_ID,
      keys: vars.AMPHORA_AMP_SSH_KEY_NAME ? [vars.AMPHORA_AMP_SSH_KEY_NAME] : [],
      securityGroups: (vars.AMPHORA_AMP_SECURITY_GROUPS ?? '').split(',').filter(Boolean),
    },
    availabilityZones: (vars.AMPHORA_AVAILABILITY_ZONES ?? '').split(',').filter(Boolean),
    antiAffinityPolicy: vars.AMPHORA_ANTI_AFFINITY_POLICY,
    timing: {
      buildPollIntervalMs: vars.AMPHORA_BUILD_POLL_INTERVAL_MS,
      buildPollAttempts: vars.AMPHORA_BUILD_POLL_ATTEMPTS,
    },
    quotaDefaults: Object.fromEntries(
      QUOTA_RESOURCES.map((resource) => [
        resource,
        (vars as Record<string, unknown>)[quotaVariable(resource)] as number,
      ]),
    ) as QuotaLimits,
  };
}

/** Whether the API needs tokens it was not given: checked when the API starts, not for the worker or the CLI. */
export function requireApiTokens(settings: ControllerSettings): void {
  if (settings.api.auth.mode === 'token' && settings.api.auth.tokens.length === 0) {
    throw new ConfigError(
      'Invalid configuration: AMPHORA_API_TOKENS is required with AMPHORA_API_AUTH=token (set token[=project],... or, for local use only, AMPHORA_API_AUTH=noauth)',
      ['AMPHORA_API_TOKENS'],
    );
  }
}

function splitHostPort(listen: string): [string, number] {
  const index = listen.lastIndexOf(':');
  return [listen.slice(0, index).replace(/^\[|\]$/g, ''), Number(listen.slice(index + 1))];
}

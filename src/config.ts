import { loadClientConnectConfig, type ClientConnectConfig } from '@temporalio/envconfig';
import { z } from 'zod';
import { codecKeysFromEnv, type CodecKeys } from './codec/keys';
import { ConfigError, parseEnv, presentVariables, wholeNumberVariable, type Env } from './env';
import { parseControllerSettings, type ControllerSettings } from './controller/settings';
import { FaultPlanSchema, type FaultPlan } from './drivers/noop/faults';
import { parseHealthConfig, type HealthConfig } from './health-config';
import type { LocalHeartbeats } from './drivers/local';
import { parseOpenStackSettings, type OpenStackSettings } from './drivers/openstack/settings';
import { describeZodError } from './models/validation';
import type { TracingConfig } from './tracing';

/**
 * The one place that reads configuration. Everything else receives what it needs from here, so that drivers,
 * activities and the controller can be built in tests from plain objects.
 *
 * The Temporal connection comes from the SDK's own environment configuration (`@temporalio/envconfig`):
 * `TEMPORAL_ADDRESS`, `TEMPORAL_NAMESPACE`, `TEMPORAL_API_KEY`, `TEMPORAL_TLS*`, `TEMPORAL_PROFILE` and an optional
 * `TEMPORAL_CONFIG_FILE`, so a worker moves from the dev server to a production cluster or Temporal Cloud by
 * environment alone.
 */

export { ConfigError };

const hostPort = z
  .string()
  .regex(/^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):\d{1,5}$/, 'expected host:port, for example 127.0.0.1:7233');

/** An OTLP/HTTP collector's address. */
const httpUrl = z.url({
  protocol: /^https?$/,
  error: 'expected an http(s) URL of an OTLP/HTTP collector, for example http://127.0.0.1:4318',
});

/** A fault plan for the noop drivers, as JSON: `{"seed": 7, "rules": [{"method": "build", "probability": 0.1}]}`. */
const faultPlanJson = z.string().transform((text, ctx): FaultPlan => {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: `not JSON (${err instanceof Error ? err.message : String(err)})` });
    return z.NEVER;
  }
  const plan = FaultPlanSchema.safeParse(value);
  if (plan.success) return plan.data;
  const { field, constraint } = describeZodError(plan.error);
  ctx.addIssue({ code: 'custom', message: `not a fault plan: ${field}: ${constraint}` });
  return z.NEVER;
});

const positiveInt = wholeNumberVariable(1, 'a number above 0');

const EnvSchema = z.object({
  TEMPORAL_ADDRESS: hostPort.optional(),
  TEMPORAL_NAMESPACE: z.string().min(1, 'expected a namespace name').optional(),
  AMPHORA_TASK_QUEUE: z.string().min(1, 'expected a task queue name').default('amphora-orchestrator'),
  AMPHORA_COMPUTE_DRIVER: z
    .enum(['noop', 'nova', 'local'], { error: 'expected one of: noop, nova, local' })
    .default('noop'),
  AMPHORA_NETWORK_DRIVER: z
    .enum(['noop', 'neutron', 'local'], { error: 'expected one of: noop, neutron, local' })
    .default('noop'),
  AMPHORA_AMPHORA_DRIVER: z.enum(['noop', 'local'], { error: 'expected one of: noop, local' }).optional(),
  AMPHORA_LOCAL_FABRIC: z
    .string()
    .regex(/^[a-z0-9]{1,20}$/, 'expected 1 to 20 lowercase letters and digits')
    .default('amphora')
    .describe("the local data plane's fabric: its namespaces are named ampdp-<fabric>..."),
  AMPHORA_LOCAL_ROOT: z.string().min(1, 'expected a directory').default('/run/ampdp'),
  AMPHORA_LOCAL_SCRIPTS_DIR: z.string().min(1, 'expected a directory').optional(),
  AMPHORA_NOOP_STATE: z
    .string()
    .min(1, 'expected "memory" or the path of a SQLite file')
    .default('memory')
    .describe('where the noop drivers keep their state: "memory", or a SQLite file shared by several processes'),
  AMPHORA_NOOP_BUILD_DELAY_MS: z.coerce.number().int().min(0, 'expected milliseconds >= 0').default(200),
  AMPHORA_NOOP_API_LATENCY_MS: z.coerce.number().int().min(0, 'expected milliseconds >= 0').default(0),
  AMPHORA_NOOP_FAULTS: faultPlanJson.optional(),
  AMPHORA_LOG_LEVEL: z
    .enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'], {
      error: 'expected one of: trace, debug, info, warn, error, fatal, silent',
    })
    .default('info'),
  AMPHORA_WORKER_MAX_ACTIVITIES: positiveInt.default(1000),
  AMPHORA_WORKER_MAX_WORKFLOW_TASKS: positiveInt.default(100),
  AMPHORA_WORKER_SHUTDOWN_GRACE_MS: wholeNumberVariable(0, 'milliseconds >= 0').default(30_000),
  AMPHORA_WORKER_HEAP_GROWTH_PERCENT: wholeNumberVariable(0, 'a whole percentage >= 0 (0: V8 chooses)')
    .max(1000, 'expected a whole percentage from 0 to 1000 (0: V8 chooses)')
    .default(50)
    .describe("how far the worker's JavaScript heaps grow past what they hold after a full collection"),
  // Read by the workflow thread itself (patches/@temporalio+worker+*.patch); validated here so that a typo is refused.
  AMPHORA_WORKFLOW_STACK_TRACES: z
    .enum(['on', 'off'], { error: 'expected on or off' })
    .default('off')
    .describe(
      "whether the Temporal UI's stack trace tab shows where each workflow waits (costs worker CPU and memory)",
    ),
  AMPHORA_METRICS_LISTEN: z
    .string()
    .regex(/^[\w.:[\]-]+:\d{1,5}$/, 'expected host:port, for example 127.0.0.1:9464')
    .optional()
    .describe("where a worker serves Prometheus metrics at /metrics (the SDK's and ours); off when unset"),
  AMPHORA_WORKER_BUILD_ID: z
    .string()
    .regex(/^[\w.+-]{1,255}$/, 'expected a build id of letters, digits and . _ + - (a release tag or a commit)')
    .optional()
    .describe(
      'turns on Worker Versioning: this worker serves build AMPHORA_WORKER_BUILD_ID of AMPHORA_WORKER_DEPLOYMENT',
    ),
  AMPHORA_WORKER_DEPLOYMENT: z
    .string()
    .regex(/^[\w-]{1,255}$/, 'expected a deployment name of letters, digits, _ and -')
    .default('amphora-orchestrator'),
  OTEL_EXPORTER_OTLP_ENDPOINT: httpUrl
    .optional()
    .describe('turns on tracing: spans go to this OTLP/HTTP collector, at its /v1/traces'),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: httpUrl
    .optional()
    .describe('turns on tracing: spans go to exactly this OTLP/HTTP traces URL'),
  OTEL_SERVICE_NAME: z.string().min(1).optional(),
});

/** Which drivers a worker uses and how the noop ones keep state. */
export interface DriverSelection {
  compute: 'noop' | 'nova' | 'local';
  network: 'noop' | 'neutron' | 'local';
  /** The amphora driver: `local` talks to real agents in the local data plane's namespaces. */
  amphora: 'noop' | 'local';
  /** The local data plane's fabric; used when the drivers are `local`. */
  local: { fabricId: string; root: string; scriptsDir?: string; heartbeats?: LocalHeartbeats };
  noop: {
    state: 'memory' | { sqliteFile: string };
    buildDelayMs: number;
    /** Simulated latency of every noop driver call. */
    apiLatencyMs?: number;
    /** Faults the noop drivers inject (chaos runs, demos); none when absent. */
    faults?: FaultPlan;
  };
  /** Keystone credentials and API tuning; present only when nova or neutron is selected. */
  openstack?: OpenStackSettings;
}

/** The whole configuration of a worker or controller process. */
export interface AppConfig {
  temporal: ClientConnectConfig & { namespace: string };
  taskQueue: string;
  drivers: DriverSelection;
  logLevel: z.infer<typeof EnvSchema>['AMPHORA_LOG_LEVEL'];
  /**
   * Worker concurrency, and how long a stopping worker lets running activities finish before it cancels them (the
   * SDK's default, 0, cancels them at once).
   */
  worker: {
    maxConcurrentActivities: number;
    maxConcurrentWorkflowTasks: number;
    shutdownGraceMs: number;
    /**
     * How far, in percent of what they still hold after a full garbage collection, the worker's JavaScript heaps may
     * grow before the next one (V8's `--heap-growing-percent`); 0 leaves it to V8.
     */
    heapGrowthPercent: number;
    /**
     * Worker Versioning: the worker deployment and build this worker serves. Operations are pinned to the build that
     * started them; absent, the worker is unversioned and workflow changes need `patched()`.
     */
    deployment?: { name: string; buildId: string };
    /** host:port of the Prometheus endpoint (`/metrics`); none when absent. */
    metricsListen?: string;
  };
  controller: ControllerSettings;
  /**
   * Keys that encrypt workflow payloads (AMPHORA_CODEC_KEYS or AMPHORA_CODEC_KEY_FILE); without them, payloads such as
   * user data travel to the Temporal server in clear.
   */
  codecKeys?: CodecKeys;
  /** Heartbeats and automatic failover; absent when AMPHORA_HEARTBEAT_KEY is unset. */
  health?: HealthConfig;
  /** OpenTelemetry tracing to an OTLP/HTTP endpoint; absent (off) when no OTEL_EXPORTER_OTLP_*ENDPOINT is set. */
  tracing?: TracingConfig;
}

/**
 * Reads and validates the configuration.
 *
 * @param env - the environment to read; `process.env` by default.
 * @returns the parsed configuration, with defaults filled in.
 * @throws {@link ConfigError} naming each bad variable, the value's problem and what is expected.
 */
export function loadConfig(env: Env = process.env): AppConfig {
  const vars = parseEnv(EnvSchema, env);
  const present = presentVariables(env);
  const health = parseHealthConfig(present);
  return {
    temporal: loadTemporalConnection(present),
    taskQueue: vars.AMPHORA_TASK_QUEUE,
    drivers: {
      compute: vars.AMPHORA_COMPUTE_DRIVER,
      network: vars.AMPHORA_NETWORK_DRIVER,
      amphora: vars.AMPHORA_AMPHORA_DRIVER ?? (vars.AMPHORA_COMPUTE_DRIVER === 'local' ? 'local' : 'noop'),
      local: {
        fabricId: vars.AMPHORA_LOCAL_FABRIC,
        root: vars.AMPHORA_LOCAL_ROOT,
        ...(vars.AMPHORA_LOCAL_SCRIPTS_DIR ? { scriptsDir: vars.AMPHORA_LOCAL_SCRIPTS_DIR } : {}),
        ...(health
          ? {
              heartbeats: {
                key: health.key,
                intervalMs: health.heartbeatIntervalMs,
                storeFile: health.storeFile,
                port: health.listen.port,
              },
            }
          : {}),
      },
      noop: {
        state: vars.AMPHORA_NOOP_STATE === 'memory' ? 'memory' : { sqliteFile: vars.AMPHORA_NOOP_STATE },
        buildDelayMs: vars.AMPHORA_NOOP_BUILD_DELAY_MS,
        apiLatencyMs: vars.AMPHORA_NOOP_API_LATENCY_MS,
        ...(vars.AMPHORA_NOOP_FAULTS ? { faults: vars.AMPHORA_NOOP_FAULTS } : {}),
      },
      ...(vars.AMPHORA_COMPUTE_DRIVER === 'nova' || vars.AMPHORA_NETWORK_DRIVER === 'neutron'
        ? { openstack: parseOpenStackSettings(present) }
        : {}),
    },
    logLevel: vars.AMPHORA_LOG_LEVEL,
    worker: {
      maxConcurrentActivities: vars.AMPHORA_WORKER_MAX_ACTIVITIES,
      maxConcurrentWorkflowTasks: vars.AMPHORA_WORKER_MAX_WORKFLOW_TASKS,
      shutdownGraceMs: vars.AMPHORA_WORKER_SHUTDOWN_GRACE_MS,
      heapGrowthPercent: vars.AMPHORA_WORKER_HEAP_GROWTH_PERCENT,
      ...(vars.AMPHORA_METRICS_LISTEN ? { metricsListen: vars.AMPHORA_METRICS_LISTEN } : {}),
      ...(vars.AMPHORA_WORKER_BUILD_ID
        ? { deployment: { name: vars.AMPHORA_WORKER_DEPLOYMENT, buildId: vars.AMPHORA_WORKER_BUILD_ID } }
        : {}),
    },
    controller: parseControllerSettings(present),
    codecKeys: codecKeysFromEnv(present),
    health,
    tracing: tracingConfig(vars),
  };
}

/** The OTLP traces URL, as the OpenTelemetry SDKs derive it: the signal's own variable, else the base plus /v1/traces. */
function tracingConfig(vars: z.infer<typeof EnvSchema>): TracingConfig | undefined {
  const base = vars.OTEL_EXPORTER_OTLP_ENDPOINT;
  const tracesUrl =
    vars.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? (base ? `${base.replace(/\/$/, '')}/v1/traces` : undefined);
  if (!tracesUrl) return undefined;
  return { tracesUrl, ...(vars.OTEL_SERVICE_NAME ? { serviceName: vars.OTEL_SERVICE_NAME } : {}) };
}

function loadTemporalConnection(env: Record<string, string | undefined>): AppConfig['temporal'] {
  let loaded: ClientConnectConfig;
  try {
    loaded = loadClientConnectConfig({ overrideEnvVars: env as Record<string, string> });
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new ConfigError(
      `Invalid Temporal connection settings (TEMPORAL_* variables or TEMPORAL_CONFIG_FILE): ${reason}`,
      ['TEMPORAL_CONFIG_FILE'],
      { cause: err },
    );
  }
  return {
    connectionOptions: { ...loaded.connectionOptions, address: loaded.connectionOptions.address ?? '127.0.0.1:7233' },
    namespace: loaded.namespace ?? 'default',
  };
}

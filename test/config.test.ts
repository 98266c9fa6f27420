import { ConfigError, loadConfig } from '../src/config';

function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected loadConfig to reject this environment');
}

describe('loadConfig', () => {
  it('fills in defaults for the local dev server and the noop drivers', () => {
    const config = loadConfig({});
    expect(config.temporal.connectionOptions.address).toBe('127.0.0.1:7233');
    expect(config.temporal.namespace).toBe('default');
    expect(config.taskQueue).toBe('amphora-orchestrator');
    expect(config.drivers).toMatchObject({ compute: 'noop', network: 'noop', noop: { state: 'memory' } });
    // A stopping worker lets running activities finish instead of cancelling them at once (the SDK's default).
    expect(config.worker.shutdownGraceMs).toBe(30_000);
    expect(loadConfig({ AMPHORA_WORKER_SHUTDOWN_GRACE_MS: '5000' }).worker.shutdownGraceMs).toBe(5_000);
    // The worker's heaps collect again once they hold half as much again as they kept; 0 leaves it to V8.
    expect(config.worker.heapGrowthPercent).toBe(50);
    expect(loadConfig({ AMPHORA_WORKER_HEAP_GROWTH_PERCENT: '0' }).worker.heapGrowthPercent).toBe(0);
    expect(configError({ AMPHORA_WORKER_HEAP_GROWTH_PERCENT: 'half' }).message).toMatch(
      /AMPHORA_WORKER_HEAP_GROWTH_PERCENT.*a whole percentage >= 0 \(0: V8 chooses\)/,
    );
    expect(configError({ AMPHORA_WORKER_HEAP_GROWTH_PERCENT: '5000' }).message).toMatch(
      /AMPHORA_WORKER_HEAP_GROWTH_PERCENT.*from 0 to 1000/,
    );
    expect(config.controller.antiAffinityPolicy).toBe('anti-affinity');
    const soft = loadConfig({ AMPHORA_ANTI_AFFINITY_POLICY: 'soft-anti-affinity' });
    expect(soft.controller.antiAffinityPolicy).toBe('soft-anti-affinity');
  });

  it('validates API tokens with Keystone as the OS_* service user, and says which variables are missing', () => {
    const keystone = loadConfig({
      AMPHORA_API_AUTH: 'keystone',
      OS_AUTH_URL: 'https://keystone.example.com:5000/v3',
      OS_USERNAME: 'octavia',
      OS_PASSWORD: 'secret-password',
      OS_PROJECT_NAME: 'service',
      AMPHORA_API_POLICY: 'keystone_default_roles',
    }).controller.api.auth;
    expect(keystone).toMatchObject({
      mode: 'keystone',
      policy: 'keystone_default_roles',
      cacheTtlMs: 300_000,
      identity: { authUrl: 'https://keystone.example.com:5000', username: 'octavia' },
    });
    const missing = configError({ AMPHORA_API_AUTH: 'keystone', OS_PASSWORD: 'secret-password' });
    expect(missing.message).toMatch(/OS_AUTH_URL/);
    expect(missing.message).toMatch(/OS_USERNAME/);
    expect(missing.message).not.toContain('secret-password');
    expect(configError({ AMPHORA_API_POLICY: 'permissive' }).message).toMatch(
      /AMPHORA_API_POLICY.*octavia or keystone_default_roles/,
    );
  });

  it('turns tracing on with an OTLP endpoint, deriving the traces URL as the OpenTelemetry SDKs do', () => {
    expect(loadConfig({}).tracing).toBeUndefined();
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }).tracing).toEqual({
      tracesUrl: 'http://collector:4318/v1/traces',
    });
    expect(
      loadConfig({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://traces.example.com/otlp',
        OTEL_SERVICE_NAME: 'lbaas-worker-2',
      }).tracing,
    ).toEqual({ tracesUrl: 'https://traces.example.com/otlp', serviceName: 'lbaas-worker-2' });
    const err = configError({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4317' });
    expect(err.variables).toEqual(['OTEL_EXPORTER_OTLP_ENDPOINT']);
    expect(err.message).toMatch(/OTEL_EXPORTER_OTLP_ENDPOINT.*expected an http\(s\) URL of an OTLP\/HTTP collector/);
  });

  it('reads the standard TEMPORAL_* variables', () => {
    const config = loadConfig({ TEMPORAL_ADDRESS: 'temporal.example.internal:7233', TEMPORAL_NAMESPACE: 'lbaas' });
    expect(config.temporal.connectionOptions.address).toBe('temporal.example.internal:7233');
    expect(config.temporal.namespace).toBe('lbaas');
  });

  it('turns a SQLite path into shared noop state', () => {
    expect(loadConfig({ AMPHORA_NOOP_STATE: '/tmp/noop.db' }).drivers.noop.state).toEqual({
      sqliteFile: '/tmp/noop.db',
    });
  });

  it('names the variable and the expected values for an unknown driver', () => {
    const err = configError({ AMPHORA_COMPUTE_DRIVER: 'vmware' });
    expect(err.variables).toEqual(['AMPHORA_COMPUTE_DRIVER']);
    expect(err.message).toContain('AMPHORA_COMPUTE_DRIVER="vmware"');
    expect(err.message).toContain('expected one of: noop, nova');
  });

  it('names every bad variable at once', () => {
    const err = configError({ TEMPORAL_ADDRESS: 'no-port-here', AMPHORA_WORKER_MAX_ACTIVITIES: '-3' });
    expect([...err.variables].sort()).toEqual(['AMPHORA_WORKER_MAX_ACTIVITIES', 'TEMPORAL_ADDRESS']);
    expect(err.message).toContain('expected host:port');
    expect(err.message).toContain('expected a number above 0');
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ AMPHORA_TASK_QUEUE: '' }).taskQueue).toBe('amphora-orchestrator');
  });

  it('reads a noop fault plan and API latency for worker processes', () => {
    const plan = { seed: 7, rules: [{ method: '*', probability: 0.1, transient: true }] };
    const config = loadConfig({ AMPHORA_NOOP_FAULTS: JSON.stringify(plan), AMPHORA_NOOP_API_LATENCY_MS: '15' });
    expect(config.drivers.noop.apiLatencyMs).toBe(15);
    expect(config.drivers.noop.faults).toMatchObject({
      seed: 7,
      rules: [{ method: '*', probability: 0.1, transient: true, mode: 'before' }],
    });
    expect(loadConfig({}).drivers.noop).toMatchObject({ apiLatencyMs: 0 });
    expect(loadConfig({}).drivers.noop.faults).toBeUndefined();
  });

  it.each([
    ['text that is not JSON', '{rules: oops', /AMPHORA_NOOP_FAULTS=.*not JSON/],
    [
      'a rule without call or probability',
      '{"rules":[{"method":"build"}]}',
      /not a fault plan: rules\.0: .*call.*probability/,
    ],
    ['an unknown mode', '{"rules":[{"method":"build","call":1,"mode":"explode"}]}', /rules\.0\.mode/],
    ['a probability above 1', '{"rules":[{"method":"*","probability":2}]}', /rules\.0\.probability/],
  ])('names AMPHORA_NOOP_FAULTS and the bad field for %s', (_label, value, message) => {
    const err = configError({ AMPHORA_NOOP_FAULTS: value });
    expect(err.variables).toEqual(['AMPHORA_NOOP_FAULTS']);
    expect(err.message).toMatch(message);
  });

  it('names AMPHORA_NOOP_API_LATENCY_MS when it is negative', () => {
    expect(configError({ AMPHORA_NOOP_API_LATENCY_MS: '-1' }).variables).toEqual(['AMPHORA_NOOP_API_LATENCY_MS']);
  });
});

describe('the health manager settings', () => {
  const key = 'k'.repeat(32);

  it('are off without a heartbeat key, and take Octavia’s defaults with one', () => {
    expect(loadConfig({}).health).toBeUndefined();
    const config = loadConfig({
      AMPHORA_HEARTBEAT_KEY: key,
      AMPHORA_COMPUTE_DRIVER: 'local',
      AMPHORA_NETWORK_DRIVER: 'local',
    });
    expect(config.health).toEqual({
      key,
      storeFile: '/var/lib/amphora-orchestrator/health.sqlite',
      heartbeatIntervalMs: 10_000,
      listen: { host: '0.0.0.0', port: 5555 },
      manager: { heartbeatTimeoutMs: 60_000, checkIntervalMs: 3_000 },
    });
    // The local data plane's agents send to a listener on the same port, with the same key.
    expect(config.drivers.local.heartbeats).toMatchObject({ key, intervalMs: 10_000, port: 5555 });
    expect(loadConfig({ AMPHORA_HEARTBEAT_KEY: key, AMPHORA_FAILOVER_THRESHOLD: '0' }).health?.manager).toMatchObject({
      failoverThreshold: 0,
    });
  });

  it('refuse a timeout within two heartbeat intervals, naming both variables', () => {
    const err = configError({ AMPHORA_HEARTBEAT_KEY: key, AMPHORA_HEARTBEAT_TIMEOUT_MS: '20000' });
    expect(err.variables).toEqual(['AMPHORA_HEARTBEAT_TIMEOUT_MS']);
    expect(err.message).toContain('AMPHORA_HEARTBEAT_INTERVAL_MS=10000');
  });

  it('never show the key, even when it is refused', () => {
    const err = configError({ AMPHORA_HEARTBEAT_KEY: 'short-secret', AMPHORA_HEALTH_LISTEN: 'anywhere' });
    expect(err.message).toContain('AMPHORA_HEARTBEAT_KEY=(hidden): expected a key of at least 16 characters');
    expect(err.message).toContain('AMPHORA_HEALTH_LISTEN="anywhere": expected ipv4:port');
    expect(err.message).not.toContain('short-secret');
  });
});

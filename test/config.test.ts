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
});

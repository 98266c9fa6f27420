import type { AppConfig } from './config';

type ConnectionOptions = AppConfig['temporal']['connectionOptions'];

/**
 * Connects to the configured Temporal server with `connect` (a client's `Connection` or a worker's
 * `NativeConnection`), turning a failure into an error that says where it tried and what to do.
 */
export async function connectToTemporal<T>(
  config: AppConfig,
  connect: (options: ConnectionOptions) => Promise<T>,
): Promise<T> {
  const options = config.temporal.connectionOptions;
  try {
    return await connect(options);
  } catch (err) {
    throw new Error(
      `Cannot reach the Temporal server at ${options.address} (TEMPORAL_ADDRESS): ${err instanceof Error ? err.message : String(err)}. Start one with ./temporal-dev.sh up (dev server) or ./temporal-cluster.sh up (cluster; ./temporal-cluster.sh status shows what runs), or point TEMPORAL_ADDRESS at yours.`,
      { cause: err },
    );
  }
}

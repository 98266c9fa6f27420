import type { AppConfig } from './config';

type ConnectionOptions = AppConfig['temporal']['connectionOptions'];

/**
 * How long a connection may take to answer. The SDK's native connection has no such option and waits for ever on an
 * address that accepts connections but never answers, so {@link answeredWithin} bounds it.
 */
export const CONNECT_TIMEOUT_MS = 10_000;

/**
 * Connects to the configured Temporal server with `connect` (the SDK's `NativeConnection`, for clients and workers),
 * turning a failure into an error that says where it tried and what to do.
 */
export async function connectToTemporal<T>(
  config: AppConfig,
  connect: (options: ConnectionOptions) => Promise<T>,
): Promise<T> {
  const options = config.temporal.connectionOptions;
  try {
    return await connect(options);
  } catch (err) {
    const reason = reasonOf(err);
    throw new Error(
      `Cannot reach the Temporal server at ${options.address} (TEMPORAL_ADDRESS): ${reason}. Start one with ./temporal-dev.sh up (dev server) or ./temporal-cluster.sh up (cluster; ./temporal-cluster.sh status shows what runs), or point TEMPORAL_ADDRESS at yours.`,
      // A reason read out of the native error says all its cause did; chained, the CLI would print that again.
      { cause: reason === messageOf(err) ? err : undefined },
    );
  }
}

/**
 * The connection `connecting` makes, or an error once `ms` have passed without it. A connection that arrives after
 * that is closed. The pending attempt itself cannot be cancelled and keeps the process alive: callers give up and
 * exit, as the CLI does.
 */
export function answeredWithin<T extends { close(): Promise<void> }>(connecting: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(
        new Error(
          `no answer within ${ms / 1000} s: something accepts connections there but does not answer as a Temporal server`,
        ),
      );
      connecting.then(
        (late) => late.close(),
        () => undefined,
      );
    }, ms);
    connecting.then(
      (connection) => {
        clearTimeout(timer);
        resolve(connection);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });
}

/**
 * What went wrong, without the Rust debug formatting of the native connection's transport errors:
 * `tonic::transport::Error(Transport, ConnectError(ConnectError("tcp connect error", …, Os { …, message: "Connection
 * refused" })))` reads `tcp connect error: Connection refused`.
 */
function reasonOf(err: unknown): string {
  const message = messageOf(err);
  const cause = /message: "([^"]+)"/.exec(message)?.[1];
  if (!cause) return message;
  return `${/ConnectError\("([^"]+)"/.exec(message)?.[1] ?? 'connect error'}: ${cause}`;
}

const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

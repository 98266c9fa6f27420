import type { ContextAPI } from '@opentelemetry/api';

/**
 * OpenTelemetry's context API, loaded on first use. Every workflow run instantiates the modules it imports, and
 * `@opentelemetry/api` is 44 of them: required lazily, only the entity (one per load balancer) loads it, not each
 * create, failover or delete. Without the tracing interceptors it is the API's no-op context.
 */
export function traceContext(): ContextAPI {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('@opentelemetry/api') as { context: ContextAPI }).context;
}

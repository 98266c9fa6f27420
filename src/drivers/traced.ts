import { context, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import { TRACER_NAME } from '../tracing';
import type { Drivers } from './index';

/**
 * The same drivers, with every call a span (`compute.createAmphora`, `network.plugVip`, `amphora.pushConfig`...) in
 * the active trace: under an activity, the span is a child of the SDK's `RunActivity` span, so a trace shows which
 * cloud call a step made and how long it took. Calls a driver makes to itself are not traced again.
 */
export function tracedDrivers<T extends Drivers>(drivers: T): T {
  return {
    ...drivers,
    compute: traced('compute', drivers.compute),
    network: traced('network', drivers.network),
    amphora: traced('amphora', drivers.amphora),
    close: () => drivers.close(),
  };
}

function traced<T extends object>(family: string, driver: T): T {
  const implementation = driver.constructor.name;
  return new Proxy(driver, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function' || typeof property !== 'string' || property === 'constructor') return value;
      const method = value as (...args: unknown[]) => unknown;
      return (...args: unknown[]) => {
        const parent = context.active();
        const span = trace
          .getTracer(TRACER_NAME)
          .startSpan(
            `${family}.${property}`,
            { kind: SpanKind.CLIENT, attributes: { 'amphora.driver': implementation } },
            parent,
          );
        let result: unknown;
        try {
          result = context.with(trace.setSpan(parent, span), () => method.apply(target, args));
        } catch (err) {
          endSpan(span, err);
          throw err;
        }
        if (!(result instanceof Promise)) {
          endSpan(span);
          return result;
        }
        return result.then(
          (settled: unknown) => {
            endSpan(span);
            return settled;
          },
          (err: unknown) => {
            endSpan(span, err);
            throw err;
          },
        );
      };
    },
  });
}

function endSpan(span: Span, err?: unknown): void {
  if (err !== undefined) {
    // The error's name and message only: driver errors name ids and causes, never credentials.
    const message = err instanceof Error ? `${err.name}: ${err.message}` : 'a non-Error value was thrown';
    span.setStatus({ code: SpanStatusCode.ERROR, message });
  }
  span.end();
}

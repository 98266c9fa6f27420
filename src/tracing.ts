import { context, propagation, SpanKind, SpanStatusCode, trace, type Span, type Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { OpenTelemetryPlugin } from '@temporalio/interceptors-opentelemetry';
import type { Logger } from './logger';

/** The tracer name of every span this project makes itself (the SDK's interceptors use their own). */
export const TRACER_NAME = 'amphora-orchestrator';

/** Where spans go: an OTLP/HTTP traces endpoint, and the service name they carry. */
export interface TracingConfig {
  /** The full URL spans are posted to (`.../v1/traces`). */
  tracesUrl: string;
  /** `service.name` on every span; OTEL_SERVICE_NAME, or the process's role. */
  serviceName?: string;
}

/** Tracing switched on for one process: the plugin for its Temporal client or worker, and a flush at exit. */
export interface Tracing {
  /** Adds the SDK's OpenTelemetry interceptors to a `Client` or `Worker` (`plugins: [tracing.plugin]`). */
  plugin: OpenTelemetryPlugin;
  tracer: Tracer;
  /** Exports what is still buffered and stops; call once, at exit. */
  shutdown(): Promise<void>;
}

/**
 * Turns OpenTelemetry tracing on for this process: spans batch to the OTLP/HTTP endpoint, the W3C `traceparent`
 * header is read from API requests, and the context follows async calls, so one trace runs from the API request
 * through the workflow's start, its run and its activities to each driver call.
 */
export function startTracing(config: TracingConfig, role: string, logger: Logger): Tracing {
  const resource = new Resource({ 'service.name': config.serviceName ?? role });
  const spanProcessor = new BatchSpanProcessor(new OTLPTraceExporter({ url: config.tracesUrl }));
  const provider = new BasicTracerProvider({ resource, spanProcessors: [spanProcessor] });
  provider.register({
    contextManager: new AsyncLocalStorageContextManager().enable(),
    propagator: new W3CTraceContextPropagator(),
  });
  logger.info({ endpoint: config.tracesUrl, service: config.serviceName ?? role }, 'tracing to OTLP endpoint');
  return {
    plugin: new OpenTelemetryPlugin({ resource, spanProcessor }),
    tracer: provider.getTracer(TRACER_NAME),
    shutdown: async () => {
      await provider.shutdown().catch((err: unknown) => {
        logger.warn({ endpoint: config.tracesUrl, err: String(err) }, 'spans not exported at exit');
      });
    },
  };
}

/**
 * Runs `fn` inside a span named `name` that is the active context for everything `fn` calls. Without a registered
 * provider the API's tracer is a no-op, so this costs nothing when tracing is off.
 */
export async function inSpan<T>(
  name: string,
  options: { kind?: SpanKind; attributes?: Record<string, string | number> },
  fn: (span: Span) => Promise<T>,
  parent = context.active(),
): Promise<T> {
  const span = trace.getTracer(TRACER_NAME).startSpan(name, options, parent);
  try {
    return await context.with(trace.setSpan(parent, span), () => fn(span));
  } catch (err) {
    span.recordException(err instanceof Error ? err : String(err));
    span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
    throw err;
  } finally {
    span.end();
  }
}

/** The trace context a request's `traceparent` header carries, or the active one when it has none. */
export function contextFromHeaders(headers: Record<string, string>) {
  return propagation.extract(context.active(), headers);
}

export { SpanKind, SpanStatusCode };

import { callSignal } from '../call-signal';
import {
  BrokenCircuitError,
  type CircuitBreakerPolicy,
  ConsecutiveBreaker,
  ExponentialBackoff,
  circuitBreaker,
  handleWhen,
  retry,
  type RetryPolicy,
} from 'cockatiel';
import { CircuitOpenError, isTransient, type ServiceType } from './http-errors';
import type { Logger } from './logger';

export interface ResilienceOptions {
  /** Retries of an idempotent call after a transient failure (so `retries + 1` attempts at most). */
  retries: number;
  /** Consecutive transient failures that open the circuit. */
  breakerThreshold: number;
  /** How long an open circuit fails fast before it lets one trial call through. */
  halfOpenMs: number;
  /** Exponential backoff (with jitter) between retries. */
  backoff?: { initialDelayMs: number; maxDelayMs: number };
}

/**
 * Retry with backoff and a circuit breaker for one service, from cockatiel. Only transient failures (5xx, timeouts,
 * connection errors) are retried and counted by the breaker: a 404 or a 409 says the service is healthy. Retries
 * wrap the breaker, so each attempt counts, and an open circuit stops the retries at once.
 */
export class ServiceResilience {
  private readonly breaker: CircuitBreakerPolicy;
  private readonly retryPolicy: RetryPolicy;
  private openedAt = 0;
  private lastFailure = 'unknown';

  constructor(
    readonly service: ServiceType,
    private readonly options: ResilienceOptions,
    logger: Logger,
  ) {
    const transient = handleWhen(isTransient);
    this.breaker = circuitBreaker(transient, {
      halfOpenAfter: options.halfOpenMs,
      breaker: new ConsecutiveBreaker(options.breakerThreshold),
    });
    this.breaker.onBreak((reason) => {
      this.openedAt = Date.now();
      this.lastFailure = 'error' in reason ? reason.error.message : 'isolated';
      logger.error(
        { service, threshold: options.breakerThreshold, halfOpenMs: options.halfOpenMs, lastFailure: this.lastFailure },
        'OpenStack circuit breaker opened: calls fail fast',
      );
    });
    this.breaker.onHalfOpen(() => logger.info({ service }, 'OpenStack circuit breaker half-open: one trial call'));
    this.breaker.onReset(() => logger.info({ service }, 'OpenStack circuit breaker closed: the service answers again'));

    const backoff = options.backoff ?? { initialDelayMs: 200, maxDelayMs: 5_000 };
    this.retryPolicy = retry(transient, {
      maxAttempts: options.retries,
      backoff: new ExponentialBackoff({ initialDelay: backoff.initialDelayMs, maxDelay: backoff.maxDelayMs }),
    });
    this.retryPolicy.onRetry((event) =>
      logger.warn(
        {
          service,
          attempt: event.attempt,
          delayMs: Math.round(event.delay),
          reason: 'error' in event ? event.error.message : 'unexpected result',
        },
        'OpenStack call failed transiently; retrying',
      ),
    );
  }

  /** Runs `attempt` (retried when idempotent), with `guarded` parts of it behind the breaker. */
  retrying<T>(idempotent: boolean, attempt: () => Promise<T>): Promise<T> {
    // No retry once the caller has abandoned the call.
    return idempotent && this.options.retries > 0 ? this.retryPolicy.execute(attempt, callSignal()) : attempt();
  }

  /** Runs one call behind the circuit breaker; an open circuit throws {@link CircuitOpenError} at once. */
  async guarded<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await this.breaker.execute(call);
    } catch (err) {
      if (err instanceof BrokenCircuitError) {
        throw new CircuitOpenError(
          this.service,
          new Date(this.openedAt + this.options.halfOpenMs),
          this.options.breakerThreshold,
          this.lastFailure,
        );
      }
      throw err;
    }
  }
}

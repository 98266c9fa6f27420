import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { withCallSignal } from '../drivers/call-signal';
import { DriverError, ValidationError } from '../drivers/errors';

/** Fields of a driver error worth keeping in the failure's details: ids and limits, never request payloads. */
function contextOf(err: DriverError): Record<string, unknown> {
  const context: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(err)) {
    if (key === 'retryable' || key === 'name' || key === 'message' || key === 'stack' || key === 'cause') continue;
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') context[key] = value;
    else if (value && typeof value === 'object' && key === 'fault') context[key] = value;
  }
  return context;
}

/**
 * Turns a driver error into the Temporal failure the workflow sees: the type is the error's class name, validation
 * and not-found errors are non-retryable, transient ones are retried by the activity's retry policy. Anything that is
 * not a driver error (a bug, an unexpected exception) stays retryable, bounded by the retry policy.
 */
export function toActivityFailure(err: unknown): unknown {
  if (err instanceof ApplicationFailure) return err;
  if (err instanceof DriverError) {
    return ApplicationFailure.create({
      type: err.name,
      message: err.message,
      nonRetryable: !err.retryable || err instanceof ValidationError,
      details: [contextOf(err)],
      cause: err.cause instanceof Error ? err.cause : undefined,
    });
  }
  return err;
}

/** Activities that heartbeat with details of their own, which a bare heartbeat would overwrite. */
const SELF_HEARTBEATING = new Set(['waitForAmphoraActive', 'findLiveLoadBalancers']);

/**
 * Wraps every function of an activity object so that:
 * - its driver calls are aborted when the attempt is cancelled or reaches its start-to-close deadline (the driver
 *   reads the signal through {@link withCallSignal}), so that an attempt that timed out cannot land its side effect
 *   after the retry or the undo has already looked;
 * - it heartbeats while it runs, when the activity has a heartbeat timeout, so that Temporal can deliver a cancel and
 *   notice a dead worker early;
 * - its errors reach Temporal as {@link toActivityFailure} says;
 * - its duration is recorded in the `amphora_step_duration` histogram, by step and outcome.
 */
export function asActivities<T extends Record<string, (...args: never[]) => Promise<unknown>>>(activities: T): T {
  const wrapped: Record<string, unknown> = {};
  for (const [name, activity] of Object.entries(activities)) {
    wrapped[name] = async (...args: never[]) => {
      const context = Context.current();
      const { info } = context;
      const deadline = info.currentAttemptScheduledTimestampMs + info.startToCloseTimeoutMs - Date.now();
      const signal = AbortSignal.any([context.cancellationSignal, AbortSignal.timeout(Math.max(deadline, 1))]);
      const beating =
        !info.isLocal && info.heartbeatTimeoutMs && !SELF_HEARTBEATING.has(name)
          ? setInterval(() => context.heartbeat(), Math.max(info.heartbeatTimeoutMs / 3, 100))
          : undefined;
      const started = performance.now();
      let outcome = 'failed';
      try {
        const result = await withCallSignal(signal, () => activity(...args));
        outcome = 'ok';
        return result;
      } catch (err) {
        throw toActivityFailure(err);
      } finally {
        clearInterval(beating);
        context.metricMeter
          .createHistogram('amphora_step_duration', 'int', 'ms', 'How long each step (activity attempt) took')
          .record(Math.round(performance.now() - started), { step: name, outcome });
      }
    };
    // Temporal registers activities by property name; keep the function's own name for stack traces.
    Object.defineProperty(wrapped[name], 'name', { value: name });
  }
  return wrapped as T;
}

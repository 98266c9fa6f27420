import { callSignal } from '../call-signal';
import type { FaultInjector, FiredFault } from './faults';

/** How a noop driver method meets the fault plan. */
export interface InjectionPoint {
  faults: FaultInjector;
  method: string;
  /** What the call is about, for rules that target one amphora or load balancer. */
  subject: string;
  /** Builds the driver-family error for an injected fault. */
  error: (message: string, retryable: boolean) => Error;
  /** Simulated API latency before the call takes effect. */
  latencyMs: number;
}

/**
 * Runs a noop driver method's side effect under the fault plan: the fault fires `before` it, `after` it (the effect
 * stays, the caller sees an error), the call `hang`s after it, or the effect lands `late`, after the caller gave up.
 * `instance-error` faults are handed to the effect, which records them on the instance it builds. The effect may be
 * asynchronous (the local data plane's real agents).
 */
export async function withFaults<T>(point: InjectionPoint, effect: (fault?: FiredFault) => T | Promise<T>): Promise<T> {
  if (point.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, point.latencyMs));
  const fault = point.faults.next(point.method, point.subject);
  if (!fault) return effect();
  const { mode, transient } = fault.rule;
  if (mode === 'instance-error') return effect(fault);
  const describe = (when: string) =>
    `Injected ${transient ? 'transient' : 'permanent'} fault in ${point.method} (call ${fault.call}, ${when}) for ${point.subject || 'this call'}`;
  if (mode === 'before') throw point.error(describe('before its side effect'), transient);
  if (mode === 'late') {
    // The effect lands only if nobody abandoned the call first: a caller that aborts at its deadline has no zombie.
    if ((await point.faults.hang(fault, callSignal())) === 'aborted') {
      throw point.error(describe('abandoned by its caller before its late side effect'), true);
    }
    return effect();
  }
  // Awaited: a real agent's effect is asynchronous, and `after` and `hang` fire once it has landed.
  await effect();
  if (mode === 'hang') {
    await point.faults.hang(fault, callSignal());
    throw point.error(describe('hung after its side effect'), transient);
  }
  throw point.error(describe('after its side effect: the response was lost'), transient);
}

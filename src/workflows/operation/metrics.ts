import { metricMeter } from '@temporalio/workflow';

/**
 * The operations' own metrics, emitted through the worker's runtime (its Prometheus endpoint, beside the SDK's) and,
 * being workflow metrics, not again when a history is replayed. Made on first use: `metricMeter` exists only inside
 * a workflow, and the controller imports these modules too.
 */
type OperationEvent = 'started' | 'succeeded' | 'failed' | 'rolled_back';

const DESCRIPTIONS: Record<OperationEvent, string> = {
  started: 'Operations started, by workflow type',
  succeeded: 'Operations that ended well, by workflow type',
  failed: 'Operations that failed (rolled back, forward-only failures, refused input), by workflow type',
  rolled_back: 'Operations whose steps were all undone after a failure, by workflow type',
};

/** Counts one event of an operation; `operation` is its workflow type (createLoadBalancer, failoverAmphora, ...). */
export function countOperation(event: OperationEvent, operation: string): void {
  metricMeter.createCounter(`amphora_operations_${event}`, 'operations', DESCRIPTIONS[event]).add(1, { operation });
}

/** Counts an undo that ran: `removed` when it removed its resource, else the resource leaked. */
export function countUndo(outcome: 'removed' | 'leaked', operation: string): void {
  const [name, description] =
    outcome === 'removed'
      ? ['amphora_compensations_run', 'Undo steps that removed what a failed operation had made']
      : ['amphora_resources_leaked', 'Resources an undo could not remove (listed in the failure; the sweeper retries)'];
  metricMeter.createCounter(name, 'resources', description).add(1, { operation });
}

/** The health manager's breaker: 1 while it holds failovers back (a storm of silent amphorae), else 0. */
export function setBreakerOpen(open: boolean, taskQueue: string): void {
  metricMeter
    .createGauge(
      'amphora_failover_breaker_open',
      'int',
      'state',
      'Whether automatic failover is stopped by the breaker',
    )
    .set(open ? 1 : 0, { task_queue: taskQueue });
}

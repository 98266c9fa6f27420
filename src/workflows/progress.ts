import { defineQuery, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { Amphora, OperatingStatus, ProvisioningStatus, Vip } from '../models';
import { ActivityFailure, ApplicationFailure, proxyLocalActivities } from '@temporalio/workflow';
import type { Activities, ValidInput, WorkflowName } from '../activities';
import type { LeakedResource } from './failures';
import {
  AmphoraOperationAttribute,
  LoadBalancerIdAttribute,
  LoadBalancerNameAttribute,
  ProjectIdAttribute,
  ProvisioningStatusAttribute,
} from './search-attributes';

export type OperationName =
  | 'create'
  | 'delete'
  | 'failover'
  | 'plug-network'
  | 'unplug-network'
  | 'create-amphora'
  /** The long-running workflow that holds a load balancer's record. */
  | 'load-balancer';

/** One step or undo, as the status query and the CLI's live display show it. */
export interface StepRecord {
  name: string;
  kind: 'step' | 'undo';
  state: 'running' | 'done' | 'failed' | 'undone' | 'leaked';
  startedAt: string;
  endedAt?: string;
  error?: string;
}

/** What the `status` query answers: where an operation is, and what it has made so far. */
export interface OperationStatus {
  operation: OperationName;
  loadBalancerId: string;
  provisioningStatus: ProvisioningStatus;
  operatingStatus: OperatingStatus;
  currentStep?: string;
  steps: StepRecord[];
  amphorae: Amphora[];
  vip?: Vip;
  leaked: LeakedResource[];
  error?: string;
}

const validator = proxyLocalActivities<Pick<Activities, 'validateWorkflowInput'>>({
  startToCloseTimeout: '10s',
  retry: { maximumAttempts: 3, nonRetryableErrorTypes: ['ValidationError'] },
});

/** The query every workflow answers with its {@link OperationStatus}. */
export const statusQuery = defineQuery<OperationStatus>('status');

/**
 * Tracks an operation's progress for the status query, and mirrors its provisioning status into the search
 * attributes so operations can be listed (`ProvisioningStatus = "ERROR"`).
 */
export class Progress {
  readonly status: OperationStatus;

  constructor(
    operation: OperationName,
    identity: { loadBalancerId: string; projectId?: string; name?: string },
    provisioningStatus: ProvisioningStatus,
    operatingStatus: OperatingStatus,
  ) {
    this.status = {
      operation,
      loadBalancerId: identity.loadBalancerId,
      provisioningStatus,
      operatingStatus,
      steps: [],
      amphorae: [],
      leaked: [],
    };
    setHandler(statusQuery, () => this.status);
    const wanted = [
      { key: LoadBalancerIdAttribute, value: identity.loadBalancerId },
      { key: AmphoraOperationAttribute, value: operation },
      { key: ProvisioningStatusAttribute, value: provisioningStatus },
      ...(identity.projectId ? [{ key: ProjectIdAttribute, value: identity.projectId }] : []),
      ...(identity.name ? [{ key: LoadBalancerNameAttribute, value: identity.name }] : []),
    ];
    // A starter that set these already (the controller does) saves the server an upsert and a visibility write.
    const current = workflowInfo().typedSearchAttributes;
    const missing = wanted.filter((pair) => current.get(pair.key) !== pair.value);
    if (missing.length > 0) upsertSearchAttributes(missing);
  }

  /**
   * Validates the workflow's input (a local activity: no server round trip) and returns it with defaults filled in.
   * An invalid one ends the operation in ERROR with a non-retryable ValidationError naming the field.
   */
  async validate<W extends WorkflowName>(workflow: W, request: unknown): Promise<ValidInput<W>> {
    try {
      const call = validator.validateWorkflowInput as unknown as {
        executeWithOptions(
          options: { summary: string },
          args: [{ workflow: W; request: unknown }],
        ): Promise<ValidInput<W>>;
      };
      return await call.executeWithOptions({ summary: `Validate the ${workflow} request` }, [{ workflow, request }]);
    } catch (err) {
      const cause = err instanceof ActivityFailure && err.cause instanceof ApplicationFailure ? err.cause : err;
      this.setStatus('ERROR');
      this.status.error = cause instanceof Error ? cause.message : String(cause);
      throw cause;
    }
  }

  setStatus(provisioningStatus: ProvisioningStatus, operatingStatus?: OperatingStatus): void {
    if (operatingStatus) this.status.operatingStatus = operatingStatus;
    if (this.status.provisioningStatus === provisioningStatus) return;
    this.status.provisioningStatus = provisioningStatus;
    upsertSearchAttributes([{ key: ProvisioningStatusAttribute, value: provisioningStatus }]);
  }

  /** Records the start of a step; @returns its record, to finish with {@link Progress.finish}. */
  begin(name: string, kind: StepRecord['kind'] = 'step'): StepRecord {
    const record: StepRecord = { name, kind, state: 'running', startedAt: now() };
    this.status.steps.push(record);
    this.status.currentStep = name;
    return record;
  }

  finish(record: StepRecord, state: Exclude<StepRecord['state'], 'running'>, error?: string): void {
    record.state = state;
    record.endedAt = now();
    if (error) record.error = error;
    const running = this.status.steps.filter((step) => step.state === 'running');
    this.status.currentStep = running[running.length - 1]?.name;
  }

  /** Adds or replaces an amphora in the status. */
  putAmphora(amphora: Amphora): void {
    const index = this.status.amphorae.findIndex((known) => known.id === amphora.id);
    if (index >= 0) this.status.amphorae[index] = amphora;
    else this.status.amphorae.push(amphora);
  }

  /**
   * Starts tracking an operation from its raw, not yet validated request: the identity is read defensively, so a
   * malformed request (even none at all) still fails validation cleanly instead of crashing the workflow task, which
   * Temporal would retry forever.
   */
  static forRequest(
    operation: OperationName,
    request: unknown,
    provisioningStatus: ProvisioningStatus,
    operatingStatus: OperatingStatus = 'OFFLINE',
  ): Progress {
    const body = asRecord(request);
    const record = asRecord(body.loadBalancer);
    // Only what could be a valid id or name becomes a search attribute: the server terminates a workflow whose
    // attribute is over its size limit (2 KiB by default) instead of letting validation refuse the request.
    const text = (value: unknown) =>
      typeof value === 'string' && value.length > 0 && value.length <= 255 ? value : undefined;
    const knownOperating = ['ONLINE', 'OFFLINE', 'DEGRADED', 'ERROR', 'DRAINING', 'NO_MONITOR'] as const;
    const operating = knownOperating.find((status) => status === record.operatingStatus) ?? operatingStatus;
    return new Progress(
      operation,
      {
        loadBalancerId: text(record.id) ?? text(body.loadBalancerId) ?? workflowInfo().workflowId,
        projectId: text(record.projectId) ?? text(body.projectId),
        name: text(record.name) ?? text(body.name),
      },
      provisioningStatus,
      operating,
    );
  }

  /** When the workflow started, for records' createdAt. */
  static startedAt(): string {
    return workflowInfo().startTime.toISOString();
  }
}

function asRecord(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
}

/** Workflow time (deterministic on replay). */
function now(): string {
  return new Date().toISOString();
}

import { setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import {
  OPERATIONS,
  operationSearchAttributes,
  ProvisioningStatusAttribute,
  statusQuery,
  type OperationIdentity,
  type OperationName,
  type OperationStatus,
  type StepRecord,
} from '../../contracts';
import type { Amphora, OperatingStatus, ProvisioningStatus } from '../../models';

const OPERATING_STATUSES = ['ONLINE', 'OFFLINE', 'DEGRADED', 'ERROR', 'DRAINING', 'NO_MONITOR'] as const;

/**
 * Tracks an operation's progress for the status query, and mirrors its provisioning status into the search
 * attributes so operations can be listed (`ProvisioningStatus = "ERROR"`).
 */
export class Progress {
  readonly status: OperationStatus;

  constructor(operation: OperationName, identity: OperationIdentity, operatingStatus: OperatingStatus) {
    const wanted = operationSearchAttributes(operation, identity);
    this.status = {
      operation,
      loadBalancerId: identity.loadBalancerId,
      provisioningStatus: OPERATIONS[operation].pending,
      operatingStatus,
      steps: [],
      amphorae: [],
      leaked: [],
    };
    setHandler(statusQuery, () => this.status);
    // A starter that set these already (the controller and the entity do) saves the server an upsert.
    const current = workflowInfo().typedSearchAttributes;
    const missing = wanted.filter((pair) => current.get(pair.key) !== pair.value);
    if (missing.length > 0) upsertSearchAttributes(missing);
  }

  setStatus(provisioningStatus: ProvisioningStatus, operatingStatus?: OperatingStatus): void {
    if (operatingStatus) this.status.operatingStatus = operatingStatus;
    if (this.status.provisioningStatus === provisioningStatus) return;
    this.status.provisioningStatus = provisioningStatus;
    upsertSearchAttributes([{ key: ProvisioningStatusAttribute, value: provisioningStatus }]);
  }

  /** Records the start of a step; @returns its record, to finish with {@link Progress.finish}. */
  begin(name: string, kind: StepRecord['kind']): StepRecord {
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

  /** Drops an amphora from the status (it was replaced and removed). */
  dropAmphora(amphoraId: string): void {
    this.status.amphorae = this.status.amphorae.filter((amphora) => amphora.id !== amphoraId);
  }

  /**
   * Starts tracking an operation from its raw, not yet validated request: the identity is read defensively, so a
   * malformed request (even none at all) still fails validation cleanly instead of crashing the workflow task, which
   * Temporal would retry forever.
   */
  static forRequest(operation: OperationName, request: unknown): Progress {
    const body = asRecord(request);
    const record = asRecord(body.loadBalancer);
    // Only what could be a valid id or name becomes a search attribute: the server terminates a workflow whose
    // attribute is over its size limit (2 KiB by default) instead of letting validation refuse the request.
    const text = (value: unknown) =>
      typeof value === 'string' && value.length > 0 && value.length <= 255 ? value : undefined;
    const operating = OPERATING_STATUSES.find((status) => status === record.operatingStatus) ?? 'OFFLINE';
    return new Progress(
      operation,
      {
        loadBalancerId: text(record.id) ?? text(body.loadBalancerId) ?? workflowInfo().workflowId,
        projectId: text(record.projectId) ?? text(body.projectId),
        name: text(record.name) ?? text(body.name),
      },
      operating,
    );
  }
}

function asRecord(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
}

/** Workflow time (deterministic on replay). */
function now(): string {
  return new Date().toISOString();
}

import { defineQuery } from '@temporalio/workflow';
import type { Amphora, OperatingStatus, ProvisioningStatus, Vip } from '../models';
import type { LeakedResource } from './failures';
import type { OperationName } from './operations';

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

/**
 * The query every workflow about a load balancer answers with its {@link OperationStatus}: the operations, and the
 * entity (with no steps of its own). The sweeper and the CLI read which amphorae a workflow holds from it.
 */
export const statusQuery = defineQuery<OperationStatus>('status');

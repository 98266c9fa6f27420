/** Reaching the pretend agent of an amphora in the noop cloud: its instance must be there and ACTIVE. */
import type { Amphora } from '../../../models';
import { toInstance } from '../../compute/noop/instances';
import type { NoopCloud } from '../../noop/cloud';
import type { AmphoraAgentRecord } from '../../noop/records';
import type { StoreTransaction } from '../../noop/store';

/** The agent's state, or why it cannot be reached. */
export type AgentReach = { agent: AmphoraAgentRecord } | { unreachable: string };

/** What an agent runs before anyone configured it. */
export function blankAgent(amphora: Amphora & { computeId: string }): AmphoraAgentRecord {
  return {
    computeId: amphora.computeId,
    amphoraId: amphora.id,
    listenerIds: [],
    haproxyRunning: false,
    keepalivedRunning: false,
    networks: [],
    finalized: false,
  };
}

/**
 * Reaches the amphora's agent: an amphora being deleted or without an instance does not answer, nor does one whose
 * instance is gone or not ACTIVE when `checkInstance` is set. The state of an agent whose instance is gone is
 * dropped here, so nothing of a deleted amphora lingers once it is asked for.
 */
export function reachAgent(
  cloud: NoopCloud,
  tx: StoreTransaction,
  amphora: Amphora,
  checkInstance: boolean,
): AgentReach {
  if (amphora.status === 'PENDING_DELETE' || amphora.status === 'DELETED') {
    return { unreachable: `it is being deleted (status ${amphora.status})` };
  }
  const { computeId } = amphora;
  if (!computeId) return { unreachable: 'it has no compute instance yet' };
  if (checkInstance) {
    const server = tx.get('servers', computeId);
    if (!server) {
      tx.delete('amphoraAgents', computeId);
      return { unreachable: `its compute instance ${computeId} does not exist` };
    }
    const { state } = toInstance(cloud, tx, server).amphora;
    if (state !== 'ACTIVE') return { unreachable: `its compute instance ${computeId} is ${state}, not ACTIVE` };
  }
  return { agent: tx.get('amphoraAgents', computeId) ?? blankAgent({ ...amphora, computeId }) };
}

/**
 * The agents in the store whose instance still exists (all of them when instances are not checked): what the data
 * plane of the noop cloud runs now.
 */
export function liveAgents(tx: StoreTransaction, checkInstance: boolean): AmphoraAgentRecord[] {
  return tx.list('amphoraAgents').filter((agent) => !checkInstance || tx.get('servers', agent.computeId) !== undefined);
}

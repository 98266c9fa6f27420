import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { entityWorkflowId } from '../../src/contracts';
import { LoadBalancerController } from '../../src/controller/load-balancers';
import type { AmphoraTemplate, Timing, Topology } from '../../src/models';
import { inPool } from './operations';

/** What is done to an entity workflow, and when: while its create runs, or once it has settled. */
export type EntityAction = 'cancel creating' | 'cancel settled' | 'terminate creating' | 'terminate settled';
export const ENTITY_ACTIONS: readonly EntityAction[] = [
  'cancel creating',
  'cancel settled',
  'terminate creating',
  'terminate settled',
];

export interface EntityPlan {
  topology: Topology;
  action: EntityAction;
}

export interface EntityChaosResult {
  cancels: number;
  terminates: number;
  /** What did not end the way it must: a cancelled entity that did not end DELETED, a create that did not end. */
  unexpected: string[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Load balancers as the API makes them (one entity workflow each), whose entities are then cancelled (the Temporal
 * UI's Cancel button) or terminated, either while their create runs or once it settled. A cancelled entity must end
 * by deleting its load balancer; a terminated one must leave its create rolled back, or (settled) resources that no
 * live workflow holds, for the sweeper.
 */
export async function entityChaos(
  client: Client,
  taskQueue: string,
  plans: readonly EntityPlan[],
  request: { amphora: AmphoraTemplate; timing: Timing },
  deadline: number,
): Promise<EntityChaosResult> {
  const controller = new LoadBalancerController(client, taskQueue);
  const result: EntityChaosResult = { cancels: 0, terminates: 0, unexpected: [] };
  await inPool(plans, 6, async ({ topology, action }) => {
    const loadBalancerId = randomUUID();
    const handle = client.workflow.getHandle(entityWorkflowId(loadBalancerId));
    await controller.create({
      loadBalancerId,
      projectId: 'chaos',
      name: `chaos-entity-${topology.toLowerCase()}`,
      topology,
      vip: { subnetId: 'vip-subnet' },
      amphora: request.amphora,
      listenerPorts: [{ protocol: 'TCP', port: 443 }],
      timing: request.timing,
    });
    const create = client.workflow.getHandle(`${entityWorkflowId(loadBalancerId)}-1-create`);
    // Until the create runs (creating) or has ended either way (settled).
    const ready = async () => {
      if (action.endsWith('creating')) return Boolean(await create.describe().catch(() => undefined));
      const view = await controller.get(loadBalancerId).catch(() => undefined);
      return Boolean(view && !view.current && view.last);
    };
    while (!(await ready())) {
      if (Date.now() > deadline) {
        result.unexpected.push(`${loadBalancerId}: never reached the point to ${action}`);
        return;
      }
      await sleep(50);
    }
    if (action.startsWith('cancel')) {
      result.cancels += 1;
      await handle.cancel();
      const ended = await handle.result().then(
        (record: { provisioningStatus?: string }) => record.provisioningStatus,
        (err: unknown) => `failed: ${String(err)}`,
      );
      if (ended !== 'DELETED') result.unexpected.push(`${loadBalancerId} (${action}): ended ${ended}, not DELETED`);
      return;
    }
    result.terminates += 1;
    await handle.terminate(`chaos: ${action}`);
    // A create that was running got a cancel request as its entity closed: it must end, having rolled back.
    const ended = await create.result().then(
      () => 'completed',
      (err: unknown) => (err instanceof Error ? ((err.cause as Error | undefined)?.name ?? err.name) : String(err)),
    );
    if (action === 'terminate creating' && !['completed', 'CancelledFailure', 'ApplicationFailure'].includes(ended)) {
      result.unexpected.push(`${loadBalancerId} (${action}): its create ended ${ended}`);
    }
  });
  return result;
}

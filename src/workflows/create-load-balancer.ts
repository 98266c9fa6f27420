import { uuid4, workflowInfo } from '@temporalio/workflow';
import type {
  AmphoraRole,
  CreateLoadBalancerInput,
  LoadBalancer,
  Topology,
  ValidCreateLoadBalancerInput,
  Vip,
} from '../models';
import { treeOf } from '../contracts';
import { amphoraLoadBalancer } from './amphora-config';
import { startVrrp } from './amphora-steps';
import { createAmphoraWithVipSteps } from './amphora-unit';
import { Operation } from './operation/operation';
import { AMPHORA_DRIVER_PATCH } from './operation/patches';
import { allocateVip, buildAmphora, createServerGroup, updateVip } from './steps';

/**
 * Creates a load balancer: validate -> allocate VIP -> (ACTIVE_STANDBY: anti-affinity server group) -> build, wait
 * for and plug each amphora (MASTER and BACKUP side by side) -> update the VIP -> ACTIVE.
 *
 * Any failure, a cancel included, undoes every step that ran (newest first) and leaves the load balancer in ERROR
 * with nothing behind; what cannot be undone is named in a ResourcesLeakedError.
 *
 * @returns the load balancer record, ACTIVE and ONLINE.
 */
export async function createLoadBalancer(request: CreateLoadBalancerInput): Promise<LoadBalancer> {
  const { op, input } = await Operation.begin('create', request);
  const { loadBalancerId } = input;
  // The amphorae's names are chosen before the first step, so that a rollback at any step removes them by name.
  const planned = op.undoesAheadOfSteps ? planAmphorae(op, input) : undefined;
  return op.undoOnFailure(async () => {
    const vip = await op.undoable(allocateVip, { loadBalancerId, projectId: input.projectId, vip: input.vip });
    op.status.vip = vip;
    const serverGroupId =
      input.topology === 'ACTIVE_STANDBY'
        ? await op.undoable(createServerGroup, { loadBalancerId, policy: input.antiAffinityPolicy })
        : undefined;
    return buildLoadBalancer(op, input, vip, serverGroupId, planned);
  });
}

/** The amphorae's roles a topology has. */
const rolesOf = (topology: Topology): AmphoraRole[] =>
  topology === 'ACTIVE_STANDBY' ? ['MASTER', 'BACKUP'] : ['STANDALONE'];

/** One amphora per role of the topology, with the id it will have. */
export type PlannedAmphora = { role: AmphoraRole; amphoraId: string };

/**
 * Chooses the amphorae's ids and registers, ahead, the undo of their builds and of the server group: a worker that
 * died may have made them before a step this path rolls back at ({@link Operation.undoAhead}).
 */
export function planAmphorae(op: Operation, input: ValidCreateLoadBalancerInput): PlannedAmphora[] {
  const { loadBalancerId, topology, amphora: template } = input;
  if (topology === 'ACTIVE_STANDBY') {
    op.undoAhead(createServerGroup, { loadBalancerId, policy: input.antiAffinityPolicy });
  }
  const planned = rolesOf(topology).map((role) => ({ role, amphoraId: uuid4() }));
  planned.forEach(({ role, amphoraId }) => op.undoAhead(buildAmphora, { amphoraId, role, template }));
  return planned;
}

/**
 * The rest of a create once its VIP (and server group) exist: build the amphorae side by side, open the VIP's
 * listener ports, and return the ACTIVE record. Its steps register their undos on `op` like the steps before them.
 */
export async function buildLoadBalancer(
  op: Operation,
  input: ValidCreateLoadBalancerInput,
  vip: Vip,
  serverGroupId: string | undefined,
  chosen?: PlannedAmphora[],
): Promise<LoadBalancer> {
  const { loadBalancerId, topology, amphora: template } = input;
  const planned = chosen ?? rolesOf(topology).map((role) => ({ role, amphoraId: uuid4() }));
  const amphorae = await op.allOrNothing(
    planned.map(
      ({ role, amphoraId }) =>
        () =>
          createAmphoraWithVipSteps(op, {
            loadBalancerId,
            amphoraId,
            role,
            vip,
            template,
            serverGroupId,
            serving: { projectId: input.projectId, topology, adminStateUp: input.adminStateUp, peers: [] },
          }),
    ),
  );
  if (topology === 'ACTIVE_STANDBY' && op.takesPatch(AMPHORA_DRIVER_PATCH)) {
    // keepalived needs both amphorae's addresses: it starts once the pair exists.
    const loadBalancer = amphoraLoadBalancer(
      { id: loadBalancerId, projectId: input.projectId, topology, adminStateUp: input.adminStateUp, amphorae },
      vip,
      treeOf({}),
    );
    await op.allOrNothing(amphorae.map((amphora) => () => op.run(startVrrp, { amphora, loadBalancer })));
  }
  await op.run(updateVip, { loadBalancerId, vip, listenerPorts: input.listenerPorts });
  op.progress.setStatus('ACTIVE', 'ONLINE');
  return {
    id: loadBalancerId,
    projectId: input.projectId,
    name: input.name,
    description: input.description,
    provisioningStatus: 'ACTIVE',
    operatingStatus: 'ONLINE',
    topology,
    vip,
    amphorae,
    serverGroupId,
    flavorId: input.flavorId,
    availabilityZone: template.availabilityZone,
    tags: input.tags,
    createdAt: workflowInfo().startTime.toISOString(),
    updatedAt: new Date().toISOString(),
  };
}

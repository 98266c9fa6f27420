import { Context } from '@temporalio/activity';
import type { AmphoraComputeDriver } from '../drivers/compute/driver';
import { ComputeBuildError, InstanceNotFoundError } from '../drivers/compute/errors';
import { parseRequest } from '../drivers/errors';
import {
  amphoraName,
  AntiAffinityPolicySchema,
  serverGroupName,
  type AmphoraTemplate,
  type AntiAffinityPolicy,
  type ComputeInstance,
} from '../models';
import { pollDelays } from './poll-schedule';
import { cancellableWaits } from './wait';

export interface BuildAmphoraInput {
  amphoraId: string;
  template: AmphoraTemplate;
  serverGroupId?: string;
}

export interface WaitForAmphoraInput {
  amphoraId: string;
  computeId: string;
  pollIntervalMs: number;
  pollAttempts: number;
}

/** Activities over the compute driver. Each is a thin adapter: names, lookups and waiting, no decisions. */
export function createComputeActivities(compute: AmphoraComputeDriver) {
  return {
    /** Starts a build of `amphora-<amphoraId>`; a retry finds the instance by that name. */
    async buildAmphora(input: BuildAmphoraInput): Promise<string> {
      const { template } = input;
      return compute.build({
        name: amphoraName(input.amphoraId),
        amphoraType: template.amphoraType,
        imageId: template.imageId,
        flavor: template.flavor,
        keys: template.keys,
        securityGroups: template.securityGroups,
        networkIds: [template.managementNetworkId],
        configDriveFiles: template.configDriveFiles,
        userData: template.userData,
        availabilityZone: template.availabilityZone,
        serverGroupId: input.serverGroupId,
      });
    },

    /**
     * Polls the instance until it is ACTIVE, heartbeating so that a dead worker is noticed and a cancel reaches it:
     * at the first look, then at most three times per heartbeat timeout (a heartbeat per look cost a thousand
     * booting amphorae half their worker's CPU). A compute fault, or a boot that outlasts the polls, fails the build
     * for good.
     */
    async waitForAmphoraActive(input: WaitForAmphoraInput): Promise<ComputeInstance> {
      const context = Context.current();
      const name = amphoraName(input.amphoraId);
      const delays = pollDelays(input.pollIntervalMs, input.pollAttempts);
      // A retried attempt goes on from the look it had reached instead of starting the budget again.
      const firstLook = (context.info.heartbeatDetails as { look?: number } | undefined)?.look ?? 0;
      const beatEveryMs = context.info.heartbeatTimeoutMs ? context.info.heartbeatTimeoutMs / 3 : 0;
      let lastBeat = Number.NEGATIVE_INFINITY;
      let state = 'unknown';
      const waits = cancellableWaits(context);
      try {
        for (let look = firstLook; look <= delays.length; look += 1) {
          const { amphora, fault } = await compute.getAmphora({ id: input.computeId });
          state = amphora.state;
          if (amphora.state === 'ACTIVE') return amphora;
          if (amphora.state === 'ERROR' || amphora.state === 'DELETED') {
            throw new ComputeBuildError(name, fault ?? { code: 0, message: `instance went to ${amphora.state}` }, {
              retryable: false,
            });
          }
          const delay = delays[look];
          if (delay === undefined) break;
          if (performance.now() - lastBeat >= beatEveryMs) {
            context.heartbeat({ look: look + 1, state });
            lastBeat = performance.now();
          }
          await waits.wait(delay);
        }
      } finally {
        waits.close();
      }
      throw new ComputeBuildError(
        name,
        {
          code: 0,
          message: `not ACTIVE after ${delays.length + 1} looks over ${input.pollIntervalMs * input.pollAttempts} ms (last state ${state})`,
        },
        { retryable: false },
      );
    },

    /** Deletes the amphora's instance, found by id or, when the build's response was lost, by name. */
    async deleteAmphora(input: { amphoraId: string; computeId?: string }): Promise<void> {
      let computeId = input.computeId;
      if (!computeId) {
        try {
          computeId = (await compute.getAmphora({ name: amphoraName(input.amphoraId) })).amphora.computeId;
        } catch (err) {
          if (err instanceof InstanceNotFoundError) return;
          throw err;
        }
      }
      await compute.delete(computeId);
    },

    /**
     * Creates (or finds) the server group `octavia-lb-<loadBalancerId>` that keeps MASTER and BACKUP apart:
     * `anti-affinity` (the default, as Octavia's `anti_affinity_policy`) or `soft-anti-affinity`, which lets them
     * share a host when no other has room (with failover building the replacement first, two hosts are otherwise
     * not enough).
     */
    async createServerGroup(input: { loadBalancerId: string; policy?: AntiAffinityPolicy }): Promise<string> {
      const policy = parseRequest(AntiAffinityPolicySchema.default('anti-affinity'), input.policy, 'policy');
      const group = await compute.createServerGroup({ name: serverGroupName(input.loadBalancerId), policy });
      return group.id;
    },

    /** Deletes the load balancer's server group, found by id or by name. */
    async deleteServerGroup(input: { loadBalancerId: string; serverGroupId?: string }): Promise<void> {
      const serverGroupId =
        input.serverGroupId ?? (await compute.findServerGroup(serverGroupName(input.loadBalancerId)))?.id;
      if (serverGroupId) await compute.deleteServerGroup(serverGroupId);
    },
  };
}

import { setTimeout as sleep } from 'node:timers/promises';
import type { Interface } from '../../../models';
import { toInterface } from '../../compute/nova/mapping';
import type { NovaInterface } from '../../compute/nova/schemas';
import { goneIsDone, statusOf } from '../../openstack/errors';
import type { NetworkPlugRequest } from '../driver';
import type { NeutronStep } from './step';

/** How long `unplugNetwork` waits for Nova to finish detaching, and how often it looks. */
export interface DetachWait {
  timeoutMs: number;
  pollMs: number;
}

const matches = (attachment: NovaInterface, request: NetworkPlugRequest) =>
  attachment.net_id === request.networkId &&
  (!request.ipAddress || attachment.fixed_ips.some((fixedIp) => fixedIp.ip_address === request.ipAddress));

/** The instance's interfaces; none when the instance is gone. */
export async function interfacesOf(step: NeutronStep, computeId: string): Promise<NovaInterface[]> {
  return step.run(async () => {
    try {
      return await step.nova.listInterfaces(computeId);
    } catch (err) {
      if (statusOf(err) === 404) return [];
      throw err;
    }
  });
}

/** Connects an instance to a network through a new port, or returns the interface it already has there. */
export async function plugNetwork(step: NeutronStep, request: NetworkPlugRequest): Promise<Interface> {
  await step.server(request.computeId);
  await step.network(request.networkId);
  const existing = (await interfacesOf(step, request.computeId)).find((attachment) => matches(attachment, request));
  if (existing) return toInterface(request.computeId, existing);
  const attached = await step.run(() =>
    step.nova.attachInterface(request.computeId, { networkId: request.networkId, ipAddress: request.ipAddress }),
  );
  return toInterface(request.computeId, attached);
}

/**
 * Disconnects an instance from a network (one address, or every interface there), then waits, bounded, until Nova
 * has finished: its detach answers 202 and completes in the background, and a caller that goes on to delete the
 * network or reuse the address needs the port gone.
 */
export async function unplugNetwork(step: NeutronStep, request: NetworkPlugRequest, wait: DetachWait): Promise<void> {
  await step.network(request.networkId);
  const targets = (await interfacesOf(step, request.computeId)).filter((attachment) => matches(attachment, request));
  for (const target of targets) {
    await step.run(() => goneIsDone(step.nova.detachInterface(request.computeId, target.port_id)));
  }
  const pending = new Set(targets.map((target) => target.port_id));
  const deadline = Date.now() + wait.timeoutMs;
  while (pending.size > 0) {
    const still = (await interfacesOf(step, request.computeId)).filter((attachment) => pending.has(attachment.port_id));
    if (still.length === 0) return;
    if (Date.now() >= deadline) {
      const ports = still.map((attachment) => attachment.port_id).join(', ');
      throw step.fail(`Nova has not detached port(s) ${ports} after ${wait.timeoutMs} ms; try again later`, true);
    }
    await sleep(wait.pollMs);
  }
}

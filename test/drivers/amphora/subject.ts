import { randomUUID } from 'node:crypto';
import type {
  AmphoraLoadBalancerDriver,
  AmphoraPaths,
  AmphoraRequest,
  NoopDriverOptions,
  NoopDrivers,
} from '../../../src/drivers';
import { amphoraName, type Amphora, type AmphoraRole, type LoadBalancerTree } from '../../../src/models';
import { eventually } from '../expect-error';
import { fullNoopDrivers } from '../noop/subject';
import { amphoraLoadBalancer, VIP_ADDRESS } from './web-tree';

/** What an amphora driver under test needs around it. */
export interface AmphoraContractSubject {
  driver: AmphoraLoadBalancerDriver;
  /** A new amphora of load balancer `loadBalancerId` whose instance is ACTIVE, with a VRRP address, in `role`. */
  makeAmphora(loadBalancerId: string, role?: AmphoraRole): Promise<Amphora>;
  /** Deletes the amphora's instance, so its agent no longer answers. */
  deleteInstance(amphora: Amphora): Promise<void>;
  /**
   * Where the driver renders the amphora's files (its `AmphoraPaths`); the renderer's defaults when absent. A
   * driver whose amphorae share a host gives each its own.
   */
  pathsOf?(amphora: Amphora): AmphoraPaths;
  cleanup(): Promise<void>;
}

/** A SINGLE load balancer on one new amphora of the subject, serving the tree `tree` builds from its id. */
export async function singleOn(
  subject: AmphoraContractSubject,
  tree: (loadBalancerId: string) => LoadBalancerTree,
): Promise<AmphoraRequest> {
  const loadBalancerId = randomUUID();
  const amphora = await subject.makeAmphora(loadBalancerId, 'STANDALONE');
  return { amphora, loadBalancer: amphoraLoadBalancer([amphora], tree(loadBalancerId), 'SINGLE', loadBalancerId) };
}

/** The same request with another tree: the next (or previous) state of the load balancer. */
export function withTree(request: AmphoraRequest, tree: LoadBalancerTree): AmphoraRequest {
  return { ...request, loadBalancer: { ...request.loadBalancer, tree } };
}

/** Builds an amphora's instance through the noop compute driver and waits until it is ACTIVE. */
export async function bootAmphora(
  drivers: NoopDrivers,
  loadBalancerId: string,
  role: AmphoraRole,
  vrrpIp: string,
): Promise<Amphora> {
  const id = randomUUID();
  const computeId = await drivers.compute.build({ name: amphoraName(id), networkIds: ['lb-mgmt-net'] });
  const instance = await eventually(async () => {
    const { amphora } = await drivers.compute.getAmphora({ id: computeId });
    return amphora.state === 'ACTIVE' ? amphora : undefined;
  });
  return {
    id,
    loadBalancerId,
    computeId,
    status: 'ALLOCATED',
    role,
    lbNetworkIp: instance.lbNetworkIp,
    vrrpIp,
    haIp: VIP_ADDRESS,
  };
}

/** The noop amphora driver over a noop cloud whose compute driver boots the amphorae. */
export async function noopAmphoraSubject(
  options: NoopDriverOptions = {},
): Promise<AmphoraContractSubject & { drivers: NoopDrivers }> {
  const drivers = await fullNoopDrivers(options);
  let amphorae = 0;
  return {
    drivers,
    driver: drivers.amphora,
    makeAmphora: (loadBalancerId, role = 'STANDALONE') =>
      bootAmphora(drivers, loadBalancerId, role, `198.51.100.${200 + (amphorae += 1)}`),
    deleteInstance: (amphora) => drivers.compute.delete(amphora.computeId ?? ''),
    cleanup: () => Promise.resolve(drivers.close()),
  };
}

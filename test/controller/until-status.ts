import type { LoadBalancerController, PublicLoadBalancerView } from '../../src/controller/load-balancers';
import { eventually } from '../drivers/expect-error';

/** Waits until the load balancer has the provisioning status `status`, and returns its view then. */
export function untilStatus(
  controller: LoadBalancerController,
  loadBalancerId: string,
  status: string,
): Promise<PublicLoadBalancerView> {
  return eventually(async () => {
    const view = await controller.get(loadBalancerId);
    return view?.record.provisioningStatus === status ? view : undefined;
  }, 30_000);
}

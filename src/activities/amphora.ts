import type { AmphoraLoadBalancer, AmphoraLoadBalancerDriver } from '../drivers/amphora/driver';
import type { Amphora } from '../models';

/** One amphora and the load balancer it carries, as the amphora activities take them. */
export interface AmphoraConfigRequest {
  amphora: Amphora;
  loadBalancer: AmphoraLoadBalancer;
}

/** Activities over the amphora driver: what the agent inside a built amphora is told. */
export function createAmphoraActivities(amphora: AmphoraLoadBalancerDriver) {
  return {
    /** Pushes the listeners' configuration of `loadBalancer.tree`; the undo is the same call with the previous tree. */
    async updateAmphoraListeners(input: AmphoraConfigRequest): Promise<void> {
      await amphora.updateAmphoraListeners(input);
    },

    async finalizeAmphora(input: { amphora: Amphora }): Promise<void> {
      await amphora.finalizeAmphora(input.amphora);
    },

    async amphoraPostVipPlug(input: AmphoraConfigRequest): Promise<void> {
      await amphora.postVipPlug(input);
    },

    async amphoraPostNetworkPlug(input: { amphora: Amphora; networkId: string; ipAddress?: string }): Promise<void> {
      await amphora.postNetworkPlug(input);
    },

    async amphoraPostNetworkUnplug(input: { amphora: Amphora; networkId: string }): Promise<void> {
      await amphora.postNetworkUnplug(input);
    },

    /** Renders keepalived's configuration and (re)starts it: one step, as Octavia's VRRP update and start run together. */
    async startVrrp(input: AmphoraConfigRequest): Promise<void> {
      await amphora.updateVrrpConfiguration(input);
      await amphora.startVrrpService(input);
    },
  };
}

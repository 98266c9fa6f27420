import type { AbstractNetworkDriver } from '../drivers/network/driver';
import type { Amphora, Interface, ListenerPort, Vip, VipRequest } from '../models';

/** Activities over the network driver. */
export function createNetworkActivities(network: AbstractNetworkDriver) {
  return {
    async allocateVip(input: { loadBalancerId: string; projectId: string; vip: VipRequest }): Promise<Vip> {
      return network.allocateVip({ loadBalancerId: input.loadBalancerId, projectId: input.projectId, ...input.vip });
    },

    /** Releases the VIP; without `vip` (a lost allocation response) the driver finds its port by name. */
    async deallocateVip(input: { loadBalancerId: string; vip?: Vip }): Promise<void> {
      await network.deallocateVip(input);
    },

    async plugVip(input: { loadBalancerId: string; vip: Vip; amphora: Amphora }): Promise<Amphora> {
      const [plugged] = await network.plugVip({
        loadBalancerId: input.loadBalancerId,
        vip: input.vip,
        amphorae: [input.amphora],
      });
      if (!plugged) throw new Error(`plugVip returned no amphora for ${input.amphora.id}`);
      return plugged;
    },

    async unplugVip(input: { loadBalancerId: string; amphoraIds: string[] }): Promise<void> {
      await network.unplugVip({
        loadBalancerId: input.loadBalancerId,
        amphorae: input.amphoraIds.map((id) => ({ id })),
      });
    },

    async updateVip(input: { loadBalancerId: string; vip: Vip; listenerPorts: ListenerPort[] }): Promise<void> {
      await network.updateVip(input);
    },

    async failoverPreparation(input: { amphora: Amphora }): Promise<void> {
      await network.failoverPreparation(input.amphora);
    },

    /** The networks of member subnets, to plug into the amphorae: one lookup per subnet, the VIP's skipped. */
    async memberNetworks(input: { subnetIds: string[] }): Promise<Record<string, string>> {
      const found = await Promise.all(input.subnetIds.map((id) => network.getSubnet(id)));
      return Object.fromEntries(found.map((subnet) => [subnet.id, subnet.networkId]));
    },

    async getPluggedNetworks(input: { computeId: string }): Promise<Interface[]> {
      return network.getPluggedNetworks(input.computeId);
    },

    async plugNetwork(input: { computeId: string; networkId: string; ipAddress?: string }): Promise<Interface> {
      return network.plugNetwork(input);
    },

    async unplugNetwork(input: { computeId: string; networkId: string; ipAddress?: string }): Promise<void> {
      await network.unplugNetwork(input);
    },
  };
}

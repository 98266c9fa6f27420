/** Networks and subnets read from the noop cloud, failing with the network driver's not-found errors. */
import type { Network, Subnet } from '../../../models';
import type { StoreTransaction } from '../../noop/store';
import { NetworkNotFoundError, SubnetNotFoundError } from '../errors';

/** The network, or NetworkNotFoundError. */
export function requireNetwork(tx: StoreTransaction, networkId: string): Network {
  const network = tx.get('networks', networkId);
  if (!network) throw new NetworkNotFoundError(networkId);
  return network;
}

/** The subnet, or SubnetNotFoundError. */
export function requireSubnet(tx: StoreTransaction, subnetId: string): Subnet {
  const subnet = tx.get('subnets', subnetId);
  if (!subnet) throw new SubnetNotFoundError(subnetId);
  return subnet;
}

/** The network's first subnet, or SubnetNotFoundError if it has none. */
export function requireFirstSubnet(tx: StoreTransaction, network: Network): Subnet {
  const subnetId = network.subnetIds[0];
  if (!subnetId) throw new SubnetNotFoundError('(none)', `network ${network.id} has no subnet`);
  return requireSubnet(tx, subnetId);
}

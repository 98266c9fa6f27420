import type { ListenerPort, LoadBalancerTree } from '../../models';

/**
 * The ports the VIP's security group opens for a tree's listeners (those not being deleted): TCP for the stream
 * protocols, UDP for UDP. SCTP listeners get no rule here: the ListenerPort contract of the network drivers carries
 * TCP and UDP only.
 */
export function listenerPortsOf(tree: LoadBalancerTree): ListenerPort[] {
  const ports: ListenerPort[] = [];
  for (const listener of tree.listeners) {
    if (listener.provisioningStatus === 'PENDING_DELETE' || listener.protocol === 'SCTP') continue;
    const protocol = listener.protocol === 'UDP' ? 'UDP' : 'TCP';
    if (!ports.some((p) => p.protocol === protocol && p.port === listener.protocolPort)) {
      ports.push({ protocol, port: listener.protocolPort });
    }
  }
  return ports.sort((a, b) => a.port - b.port || a.protocol.localeCompare(b.protocol));
}

/** Whether two port lists open the same ports. */
export const samePorts = (a: ListenerPort[], b: ListenerPort[]): boolean =>
  a.length === b.length && a.every((p, i) => p.protocol === b[i]?.protocol && p.port === b[i]?.port);

import type { AmphoraConfigInput, AmphoraLoadBalancer } from '../../../../src/drivers/amphora/config';
import type { Amphora } from '../../../../src/models';
import { activeStandbyAmphorae, amphora, ids, inputFor, listener, loadBalancer, member, monitor, pool } from './trees';

/** A pair serving HTTP through haproxy and DNS (UDP) and SCTP through LVS. */
function pairWithLvs(): AmphoraLoadBalancer {
  return loadBalancer({
    topology: 'ACTIVE_STANDBY',
    amphorae: activeStandbyAmphorae(),
    tree: {
      listeners: [
        listener(1, { protocol: 'HTTP', protocolPort: 80, defaultPoolId: ids.pool(1) }),
        listener(2, { protocol: 'UDP', protocolPort: 53, defaultPoolId: ids.pool(2) }),
        listener(3, { protocol: 'SCTP', protocolPort: 9000, connectionLimit: 500, defaultPoolId: ids.pool(3) }),
      ],
      pools: [
        pool(1, { protocol: 'HTTP', lbAlgorithm: 'ROUND_ROBIN' }),
        pool(2, { protocol: 'UDP', lbAlgorithm: 'ROUND_ROBIN', sessionPersistence: { type: 'SOURCE_IP' } }),
        pool(3, { protocol: 'SCTP', lbAlgorithm: 'LEAST_CONNECTIONS' }),
      ],
      members: [
        member(1, 1, { address: '10.0.1.1', protocolPort: 80 }),
        member(2, 2, { address: '10.0.2.2', protocolPort: 53, weight: 2 }),
        member(3, 2, { address: '10.0.2.3', protocolPort: 53, monitorAddress: '10.0.3.3', monitorPort: 5353 }),
        member(4, 2, { address: '10.0.2.4', protocolPort: 53, adminStateUp: false }),
        member(5, 2, { address: '2001:db8:2::5', protocolPort: 53 }),
        member(6, 2, { address: '10.0.2.6', protocolPort: 53, provisioningStatus: 'PENDING_DELETE' }),
        member(7, 3, { address: '10.0.3.7', protocolPort: 9000 }),
      ],
      healthMonitors: [
        monitor(1, 2, { type: 'UDP-CONNECT', delay: 10, timeout: 4, maxRetriesDown: 3 }),
        monitor(2, 3, { type: 'SCTP', delay: 5, timeout: 2 }),
      ],
    },
  });
}

/** keepalived golden cases: the golden file `keepalived-<name>.cfg` holds each one's rendering. */
export const KEEPALIVED_CASES: Record<string, () => AmphoraConfigInput> = {
  'active-standby-master': () => inputFor(pairWithLvs(), 0),
  'active-standby-backup': () => inputFor(pairWithLvs(), 1),
  /** SINGLE: only virtual servers. Every other algorithm, TCP and HTTP checks, explicit persistence settings. */
  'single-lvs': () =>
    inputFor(
      loadBalancer({
        tree: {
          listeners: [
            listener(1, { protocol: 'UDP', protocolPort: 514, defaultPoolId: ids.pool(1) }),
            listener(2, { protocol: 'UDP', protocolPort: 1812, defaultPoolId: ids.pool(2) }),
            listener(3, { protocol: 'UDP', protocolPort: 123, adminStateUp: false, defaultPoolId: ids.pool(1) }),
            listener(4, { protocol: 'UDP', protocolPort: 69 }),
            listener(5, { protocol: 'SCTP', protocolPort: 3868, defaultPoolId: ids.pool(3) }),
          ],
          pools: [
            pool(1, {
              protocol: 'UDP',
              lbAlgorithm: 'SOURCE_IP',
              sessionPersistence: {
                type: 'SOURCE_IP',
                persistenceTimeout: 120,
                persistenceGranularity: '255.255.255.0',
              },
            }),
            pool(2, { protocol: 'UDP', lbAlgorithm: 'SOURCE_IP_PORT' }),
            pool(3, { protocol: 'SCTP', lbAlgorithm: 'ROUND_ROBIN' }),
          ],
          members: [
            member(1, 1, { address: '10.0.1.1', protocolPort: 514 }),
            member(2, 2, { address: '10.0.2.2', protocolPort: 1812, weight: 5 }),
            member(3, 3, { address: '10.0.3.3', protocolPort: 3868 }),
          ],
          healthMonitors: [
            monitor(1, 1, { type: 'TCP', delay: 7, timeout: 3, maxRetriesDown: 2 }),
            monitor(2, 2, { type: 'HTTP', urlPath: '/ready', expectedCodes: '200-202' }),
            // A type LVS cannot run: no checker.
            monitor(3, 3, { type: 'TLS-HELLO' }),
          ],
        },
      }),
    ),
  /** The BACKUP while its MASTER is in error (a failover): no unicast peer. */
  'active-standby-alone': () => {
    const lb = pairWithLvs();
    const [master, backup] = lb.amphorae as [Amphora, Amphora];
    return inputFor({ ...lb, amphorae: [{ ...master, status: 'ERROR' }, backup] }, 1);
  },
  /** An IPv6 pair with only UDP: no haproxy to track. */
  'active-standby-ipv6-udp-only': () =>
    inputFor(
      loadBalancer({
        topology: 'ACTIVE_STANDBY',
        vipAddress: '2001:db8::100',
        amphorae: [
          amphora(1, { role: 'MASTER', vrrpIp: '2001:db8::11' }),
          amphora(2, { role: 'BACKUP', vrrpIp: '2001:db8::12' }),
        ],
        tree: {
          listeners: [listener(1, { protocol: 'UDP', protocolPort: 53, defaultPoolId: ids.pool(1) })],
          pools: [pool(1, { protocol: 'UDP', lbAlgorithm: 'ROUND_ROBIN', sessionPersistence: { type: 'SOURCE_IP' } })],
          members: [member(1, 1, { address: '2001:db8:1::1', protocolPort: 53 })],
        },
      }),
    ),
};

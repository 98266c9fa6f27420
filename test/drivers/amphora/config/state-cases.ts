import type { AmphoraConfigInput } from '../../../../src/drivers/amphora/config';
import {
  activeStandbyAmphorae,
  ids,
  inputFor,
  listener,
  loadBalancer,
  member,
  monitor,
  policy,
  pool,
  rule,
} from './trees';

/** Values an attacker would try: line breaks, quotes, blanks, backslashes, `#`, `$VAR`, log-format `%[...]`. */
export const HOSTILE_VALUES = [
  'a\nlisten evil',
  'it\'s "quoted"',
  'two words',
  'back\\slash',
  '#not-a-comment',
  '$HOME ${HOME}',
  '%[src] %{+Q}o',
  '-f /etc/passwd',
  'tab\there\r\nhttp-request deny',
];

/** Golden cases for administrative state, deletion, ACTIVE_STANDBY and hostile values. */
export const STATE_CASES: Record<string, () => AmphoraConfigInput> = {
  /** Down and deleting objects are left out; a down member is disabled; UDP is keepalived's. */
  'admin-down-and-deleting': () =>
    inputFor(
      loadBalancer({
        tree: {
          listeners: [
            listener(1, { protocol: 'HTTP', protocolPort: 80, adminStateUp: false, defaultPoolId: ids.pool(2) }),
            listener(2, {
              protocol: 'HTTP',
              protocolPort: 81,
              provisioningStatus: 'PENDING_DELETE',
              defaultPoolId: ids.pool(2),
            }),
            listener(3, { protocol: 'HTTP', protocolPort: 82, defaultPoolId: ids.pool(1) }),
            listener(4, { protocol: 'TCP', protocolPort: 83, defaultPoolId: ids.pool(2) }),
            listener(5, { protocol: 'TCP', protocolPort: 84, defaultPoolId: ids.pool(3) }),
            listener(6, { protocol: 'UDP', protocolPort: 53, defaultPoolId: ids.pool(5) }),
            listener(7, { protocol: 'TCP', protocolPort: 85, defaultPoolId: ids.pool(4) }),
            listener(8, { protocol: 'SCTP', protocolPort: 9000, defaultPoolId: ids.pool(5) }),
            listener(9, {
              protocol: 'TCP',
              protocolPort: 86,
              provisioningStatus: 'DELETED',
              defaultPoolId: ids.pool(2),
            }),
          ],
          pools: [
            pool(1, { protocol: 'HTTP', lbAlgorithm: 'ROUND_ROBIN', adminStateUp: false }),
            pool(2, { protocol: 'TCP', lbAlgorithm: 'ROUND_ROBIN' }),
            pool(3, { protocol: 'TCP', lbAlgorithm: 'ROUND_ROBIN', provisioningStatus: 'PENDING_UPDATE' }),
            pool(4, { protocol: 'TCP', lbAlgorithm: 'ROUND_ROBIN', provisioningStatus: 'PENDING_DELETE' }),
            pool(5, { protocol: 'UDP', lbAlgorithm: 'ROUND_ROBIN' }),
          ],
          members: [
            member(1, 1, { address: '10.0.1.1', protocolPort: 80 }),
            member(2, 2, { address: '10.0.2.2', protocolPort: 80 }),
            member(3, 2, { address: '10.0.2.3', protocolPort: 80, adminStateUp: false }),
            member(4, 2, { address: '10.0.2.4', protocolPort: 80, provisioningStatus: 'PENDING_DELETE' }),
            member(5, 2, { address: '10.0.2.5', protocolPort: 80, provisioningStatus: 'DELETED' }),
            member(6, 3, { address: '10.0.3.6', protocolPort: 80, provisioningStatus: 'PENDING_CREATE' }),
            member(7, 4, { address: '10.0.4.7', protocolPort: 80 }),
            member(8, 5, { address: '10.0.5.8', protocolPort: 53 }),
          ],
          healthMonitors: [
            monitor(1, 2, { type: 'TCP', adminStateUp: false }),
            monitor(2, 3, { type: 'TCP', provisioningStatus: 'PENDING_DELETE' }),
            monitor(3, 5, { type: 'UDP-CONNECT' }),
          ],
        },
      }),
    ),
  /** A load balancer that is down serves no listener; haproxy accepts the file but will not start on it. */
  'lb-admin-down': () =>
    inputFor(
      loadBalancer({
        adminStateUp: false,
        tree: {
          listeners: [listener(1, { protocol: 'HTTP', protocolPort: 80, defaultPoolId: ids.pool(1) })],
          pools: [pool(1, { protocol: 'HTTP', lbAlgorithm: 'ROUND_ROBIN' })],
          members: [member(1, 1, { address: '10.0.1.1', protocolPort: 80 })],
        },
      }),
    ),
  /** The BACKUP amphora of a pair: peers (the deleted third amphora left out) and the stick tables that use them. */
  'active-standby': () =>
    inputFor(
      loadBalancer({
        topology: 'ACTIVE_STANDBY',
        amphorae: activeStandbyAmphorae(),
        tree: {
          listeners: [
            listener(1, { protocol: 'TCP', protocolPort: 3306, defaultPoolId: ids.pool(1) }),
            listener(2, { protocol: 'HTTP', protocolPort: 80, defaultPoolId: ids.pool(2) }),
          ],
          pools: [
            pool(1, { protocol: 'TCP', lbAlgorithm: 'SOURCE_IP', sessionPersistence: { type: 'SOURCE_IP' } }),
            pool(2, {
              protocol: 'HTTP',
              lbAlgorithm: 'ROUND_ROBIN',
              sessionPersistence: { type: 'APP_COOKIE', cookieName: 'PHPSESSID' },
            }),
          ],
          members: [
            member(1, 1, { address: '10.0.1.1', protocolPort: 3306 }),
            member(2, 2, { address: '10.0.2.2', protocolPort: 8080 }),
          ],
        },
      }),
      1,
    ),
  /** User values that try to break out of their word: each stays one word, and haproxy -c accepts the file. */
  'hostile-values': () =>
    inputFor(
      loadBalancer({
        tree: {
          listeners: [listener(1, { protocol: 'HTTP', protocolPort: 80, defaultPoolId: ids.pool(1) })],
          pools: [
            pool(1, {
              protocol: 'HTTP',
              lbAlgorithm: 'ROUND_ROBIN',
              sessionPersistence: { type: 'APP_COOKIE', cookieName: 'SESS$ID#1' },
            }),
          ],
          members: [member(1, 1, { address: '10.0.1.1', protocolPort: 80 })],
          healthMonitors: [
            monitor(1, 1, { type: 'HTTP', urlPath: "/health?q='x'&$HOME#frag%20", domainName: 'host.example' }),
          ],
          l7Policies: [
            policy(1, 1, { action: 'REJECT', position: 1 }),
            policy(2, 1, {
              action: 'REDIRECT_TO_URL',
              position: 2,
              redirectUrl: "https://example.com/a%20b?c='$HOME'#x%[src]",
            }),
            policy(3, 1, { action: 'REDIRECT_PREFIX', position: 3, redirectPrefix: 'https://example.com/"quoted"\\' }),
          ],
          l7Rules: [
            ...HOSTILE_VALUES.map((value, i) => rule(i + 1, 1, { type: 'PATH', compareType: 'EQUAL_TO', value })),
            rule(20, 2, { type: 'HEADER', compareType: 'REGEX', key: 'X-Odd!#$%&*+.^_|~', value: '^(a|b)\\s+#$' }),
            rule(21, 3, { type: 'COOKIE', compareType: 'CONTAINS', key: 'SESS$ID#1', value: "' or 1=1 --" }),
          ],
        },
      }),
    ),
};

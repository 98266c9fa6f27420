import type { AmphoraConfigInput } from '../../../../src/drivers/amphora/config';
import type { L7CompareType, L7Rule, L7RuleType } from '../../../../src/models';
import { ids, inputFor, listener, loadBalancer, member, policy, pool, rule } from './trees';

/** Rules of one policy, numbered from `first`: [type, compare type, value, key?, invert?]. */
function rules(
  first: number,
  policyN: number,
  specs: [L7RuleType, L7CompareType, string, string?, boolean?][],
): L7Rule[] {
  return specs.map(([type, compareType, value, key, invert], i) =>
    rule(first + i, policyN, { type, compareType, value, invert: invert ?? false, ...(key ? { key } : {}) }),
  );
}

const pools = (...ns: number[]) => ns.map((n) => pool(n, { protocol: 'HTTP', lbAlgorithm: 'ROUND_ROBIN' }));
const members = (...ns: number[]) => ns.map((n) => member(n, n, { address: `10.0.1.${n}`, protocolPort: 80 }));

/** L7 golden cases: every rule type and compare type, with and without invert; every action and their order. */
export const L7_CASES: Record<string, () => AmphoraConfigInput> = {
  'l7-rules': () =>
    inputFor(
      loadBalancer({
        tree: {
          listeners: [
            listener(1, { protocol: 'HTTP', protocolPort: 80, defaultPoolId: ids.pool(1) }),
            listener(2, {
              protocol: 'TERMINATED_HTTPS',
              protocolPort: 443,
              defaultPoolId: ids.pool(1),
              defaultTlsContainerRef: 'tls-default',
              clientCaTlsContainerRef: 'tls-client-ca',
              clientAuthentication: 'OPTIONAL',
            }),
          ],
          pools: pools(1, 2),
          members: members(1, 2),
          l7Policies: [1, 2, 3, 4, 5, 6, 7, 8]
            .map((n) => policy(n, 1, { action: 'REDIRECT_TO_POOL', position: n, redirectPoolId: ids.pool(2) }))
            .concat(
              policy(9, 2, { action: 'REJECT', position: 1 }),
              policy(10, 2, { action: 'REJECT', position: 2 }),
              // The pool is also listener 1's target: each listener gets its own backend for it.
              policy(11, 2, { action: 'REDIRECT_TO_POOL', position: 3, redirectPoolId: ids.pool(2) }),
            ),
          l7Rules: [
            ...rules(1, 1, [
              ['HOST_NAME', 'EQUAL_TO', 'api.example.com'],
              ['PATH', 'STARTS_WITH', '/v2/'],
            ]),
            ...rules(3, 2, [
              ['HOST_NAME', 'ENDS_WITH', '.example.org', undefined, true],
              ['HOST_NAME', 'REGEX', '^img[0-9]+\\.'],
              ['HOST_NAME', 'STARTS_WITH', 'www.'],
              ['HOST_NAME', 'CONTAINS', 'cdn'],
            ]),
            ...rules(7, 3, [
              ['PATH', 'REGEX', '^/static/.*\\.(css|js)$'],
              ['PATH', 'CONTAINS', '/private/', undefined, true],
              ['PATH', 'ENDS_WITH', '.json'],
              ['PATH', 'EQUAL_TO', '/exact', undefined, true],
            ]),
            ...rules(11, 4, [['FILE_TYPE', 'EQUAL_TO', 'jpg']]),
            ...rules(12, 5, [
              ['FILE_TYPE', 'STARTS_WITH', 'tif'],
              ['FILE_TYPE', 'ENDS_WITH', '.gz', undefined, true],
            ]),
            ...rules(14, 6, [
              ['FILE_TYPE', 'CONTAINS', 'ar'],
              ['FILE_TYPE', 'REGEX', '\\.(png|gif)$', undefined, true],
            ]),
            ...rules(16, 7, [
              ['HEADER', 'CONTAINS', 'on', 'X-Debug'],
              ['HEADER', 'STARTS_WITH', 'curl/', 'User-Agent', true],
              ['HEADER', 'EQUAL_TO', '2', 'X-Api-Version'],
              ['HEADER', 'REGEX', '^fr(-[A-Z]{2})?', 'Accept-Language'],
              ['HEADER', 'ENDS_WITH', '-beta', 'X-Tenant', true],
            ]),
            ...rules(21, 8, [
              ['COOKIE', 'STARTS_WITH', 'adm-', 'session'],
              ['COOKIE', 'EQUAL_TO', 'dark', 'theme', true],
              ['COOKIE', 'REGEX', '^[0-9a-f]{32}$', 'sid'],
              ['COOKIE', 'ENDS_WITH', '-eu', 'region'],
              ['COOKIE', 'CONTAINS', 'beta', 'flags', true],
            ]),
            ...rules(26, 9, [['SSL_CONN_HAS_CERT', 'EQUAL_TO', 'tautology', undefined, true]]),
            ...rules(27, 10, [['SSL_VERIFY_RESULT', 'EQUAL_TO', '0', undefined, true]]),
            ...rules(28, 11, [
              ['SSL_DN_FIELD', 'EQUAL_TO', 'admin', 'CN'],
              ['SSL_DN_FIELD', 'STARTS_WITH', 'ops', 'OU', true],
              ['SSL_DN_FIELD', 'REGEX', '^Example', 'O'],
              ['SSL_DN_FIELD', 'ENDS_WITH', 'ville', 'L'],
              ['SSL_DN_FIELD', 'CONTAINS', '@example.com', 'emailAddress'],
            ]),
          ],
        },
      }),
    ),
  'l7-actions': () =>
    inputFor(
      loadBalancer({
        tree: {
          listeners: [
            listener(1, { protocol: 'HTTP', protocolPort: 80, defaultPoolId: ids.pool(1) }),
            // A TCP listener cannot read requests: its policy is not rendered.
            listener(2, { protocol: 'TCP', protocolPort: 9000, defaultPoolId: ids.pool(1) }),
          ],
          pools: [
            ...pools(1, 2, 3),
            pool(4, { protocol: 'HTTP', lbAlgorithm: 'ROUND_ROBIN', provisioningStatus: 'PENDING_DELETE' }),
            pool(5, { protocol: 'HTTP', lbAlgorithm: 'ROUND_ROBIN', adminStateUp: false }),
          ],
          members: members(1, 2, 3, 4, 5),
          // Listed out of position order: the rendering follows the positions.
          l7Policies: [
            policy(1, 1, {
              action: 'REDIRECT_TO_URL',
              position: 3,
              redirectUrl: 'https://www.example.com/moved?from=%2Fold',
              redirectHttpCode: 301,
            }),
            policy(2, 1, { action: 'REDIRECT_TO_POOL', position: 1, redirectPoolId: ids.pool(2) }),
            policy(3, 1, { action: 'REJECT', position: 2 }),
            policy(4, 1, { action: 'REDIRECT_PREFIX', position: 4, redirectPrefix: 'https://secure.example.com' }),
            policy(5, 1, { action: 'REDIRECT_TO_POOL', position: 5, redirectPoolId: ids.pool(3) }),
            // The default pool as a target: its backend is rendered once.
            policy(6, 1, { action: 'REDIRECT_TO_POOL', position: 6, redirectPoolId: ids.pool(1) }),
            policy(7, 1, {
              action: 'REDIRECT_PREFIX',
              position: 7,
              redirectPrefix: 'https://new.example.com',
              redirectHttpCode: 308,
            }),
            policy(8, 1, {
              action: 'REDIRECT_TO_URL',
              position: 8,
              redirectUrl: 'https://www.example.com/',
              redirectHttpCode: 303,
            }),
            policy(9, 1, {
              action: 'REDIRECT_TO_URL',
              position: 9,
              redirectUrl: 'https://status.example.com/',
              redirectHttpCode: 307,
            }),
            // Never applied: down, no rules, only a down rule, a pool being deleted, a pool down, being deleted.
            policy(10, 1, { action: 'REJECT', position: 2, adminStateUp: false }),
            policy(11, 1, { action: 'REJECT', position: 10 }),
            policy(12, 1, { action: 'REJECT', position: 11 }),
            policy(13, 1, { action: 'REDIRECT_TO_POOL', position: 12, redirectPoolId: ids.pool(4) }),
            policy(14, 1, { action: 'REDIRECT_TO_POOL', position: 13, redirectPoolId: ids.pool(5) }),
            policy(15, 1, { action: 'REJECT', position: 14, provisioningStatus: 'PENDING_DELETE' }),
            policy(16, 2, { action: 'REJECT', position: 1 }),
          ],
          l7Rules: [
            ...rules(1, 1, [['PATH', 'STARTS_WITH', '/old/']]),
            rule(2, 1, {
              type: 'PATH',
              compareType: 'CONTAINS',
              value: 'deleting',
              provisioningStatus: 'PENDING_DELETE',
            }),
            ...rules(3, 2, [['HOST_NAME', 'EQUAL_TO', 'api.example.com']]),
            ...rules(4, 3, [['PATH', 'STARTS_WITH', '/admin']]),
            ...rules(5, 4, [['HEADER', 'EQUAL_TO', 'http', 'X-Forwarded-Proto']]),
            ...rules(6, 5, [['PATH', 'STARTS_WITH', '/images/']]),
            ...rules(7, 6, [['COOKIE', 'EQUAL_TO', 'no', 'canary']]),
            ...rules(8, 7, [['HOST_NAME', 'EQUAL_TO', 'old.example.com']]),
            ...rules(9, 8, [['PATH', 'EQUAL_TO', '/home']]),
            ...rules(10, 9, [['PATH', 'STARTS_WITH', '/status']]),
            ...rules(11, 10, [['PATH', 'STARTS_WITH', '/down']]),
            rule(12, 12, { type: 'PATH', compareType: 'STARTS_WITH', value: '/x', adminStateUp: false }),
            ...rules(13, 13, [['PATH', 'STARTS_WITH', '/deleting-pool']]),
            ...rules(14, 14, [['PATH', 'STARTS_WITH', '/down-pool']]),
            ...rules(15, 15, [['PATH', 'STARTS_WITH', '/deleting']]),
            ...rules(16, 16, [['PATH', 'STARTS_WITH', '/tcp']]),
          ],
        },
      }),
    ),
};

/**
 * A minimal stand-in for `haproxy -c`, the check the amphora's agent runs before it swaps a configuration in. It
 * refuses a frontend that sends traffic to a backend that does not exist: a `default_backend` or static
 * `use_backend` the file does not define, or a served listener whose default pool, or one of whose L7 policies'
 * redirect pool, is not in the tree (the renderer leaves such a reference out, so the check looks at the tree too).
 * Everything else haproxy would check is trusted to the renderer.
 */
import type { LoadBalancerTree } from '../../../models';

/** What the check found. */
export interface HaproxyCheckResult {
  valid: boolean;
  /** haproxy's output, in its format: one `[ALERT]` line per problem, then the fatal line. */
  output: string;
  /** The frontends the file defines: the ids of the listeners haproxy serves. */
  frontends: string[];
}

const SECTION = /^(frontend|backend|listen|defaults|global|peers|resolvers|userlist)\b\s*(\S*)/;
const BACKEND_REFERENCE = /^\s*(default_backend|use_backend)\s+(\S+)/;

/** An object the renderer keeps: up, and not being deleted. */
const served = (object: { provisioningStatus: string; adminStateUp: boolean }) =>
  object.adminStateUp && object.provisioningStatus !== 'PENDING_DELETE' && object.provisioningStatus !== 'DELETED';
const alert = (text: string) => `[ALERT]    (1) : config : ${text}`;
const missing = (proxy: string, keyword: string, backend: string) =>
  alert(`Proxy '${proxy}': unable to find required ${keyword}: '${backend}'.`);

/** Checks a rendered haproxy.cfg, and the tree it was rendered from, for traffic sent to a backend that is not there. */
export function checkHaproxyConfig(text: string, tree: LoadBalancerTree): HaproxyCheckResult {
  const frontends: string[] = [];
  const backends = new Set<string>();
  const alerts: string[] = [];
  const references: [proxy: string, keyword: string, backend: string][] = [];
  let proxy = '';
  for (const line of text.split('\n')) {
    const section = SECTION.exec(line);
    if (section) {
      const [, kind = '', name = ''] = section;
      proxy = name;
      if (kind === 'frontend' || kind === 'listen') frontends.push(name);
      if (kind === 'backend' || kind === 'listen') backends.add(name);
      continue;
    }
    const reference = BACKEND_REFERENCE.exec(line);
    // A dynamic `use_backend %[var(...)]` is resolved per request, not at check time.
    if (reference?.[2] && !reference[2].startsWith('%[')) references.push([proxy, reference[1] ?? '', reference[2]]);
  }
  for (const [name, keyword, backend] of references) {
    if (!backends.has(backend)) alerts.push(missing(name, keyword, backend));
  }
  const pools = new Set(tree.pools.map((pool) => pool.id));
  for (const listener of tree.listeners.filter((listener) => frontends.includes(listener.id))) {
    if (listener.defaultPoolId !== undefined && !pools.has(listener.defaultPoolId)) {
      alerts.push(missing(listener.id, 'default_backend', `${listener.defaultPoolId}:${listener.id}`));
    }
    for (const policy of tree.l7Policies.filter((policy) => policy.listenerId === listener.id && served(policy))) {
      if (policy.action === 'REDIRECT_TO_POOL' && policy.redirectPoolId && !pools.has(policy.redirectPoolId)) {
        alerts.push(missing(listener.id, 'use_backend', `${policy.redirectPoolId}:${listener.id}`));
      }
    }
  }
  if (alerts.length === 0) return { valid: true, output: 'Configuration file is valid', frontends };
  alerts.push(alert('Fatal errors found in configuration.'));
  return { valid: false, output: alerts.join('\n'), frontends };
}

import type { Amphora, HealthMonitor, L7Policy, L7Rule, Listener, Member, Pool } from '../../../models';
import { pathOf } from './checks';
import { type AmphoraConfigInput, type AmphoraLoadBalancer, type AmphoraPaths, DEFAULT_AMPHORA_PATHS } from './input';

/** A pool as the configuration sees it: its members (down ones included) and its monitor when that is up. */
export interface PoolView {
  pool: Pool;
  members: Member[];
  monitor?: HealthMonitor;
}

/** An L7 policy that is up, with its rules that are up, and its target pool when that is up. */
export interface PolicyView {
  policy: L7Policy;
  rules: L7Rule[];
  redirectPool?: PoolView;
}

/** A listener that is up, with its default pool and its policies in position order. */
export interface ListenerView {
  listener: Listener;
  defaultPool?: PoolView;
  policies: PolicyView[];
}

/**
 * The part of a load balancer's tree that its amphora serves: objects being deleted (`PENDING_DELETE`, `DELETED`)
 * are gone; listeners, pools, policies and rules that are administratively down are gone too (Octavia's amphora
 * driver renders nothing for them); members that are down stay, to be rendered disabled. A down load balancer
 * serves no listener.
 */
export interface ConfigModel {
  loadBalancer: AmphoraLoadBalancer;
  amphora: Amphora;
  paths: AmphoraPaths;
  /** HTTP, HTTPS, TCP and TERMINATED_HTTPS listeners, in the tree's order: haproxy's. */
  proxyListeners: ListenerView[];
  /** UDP and SCTP listeners, in the tree's order: LVS's, configured through keepalived. */
  lvsListeners: ListenerView[];
}

const GONE = new Set(['PENDING_DELETE', 'DELETED']);
const LVS_PROTOCOLS = new Set(['UDP', 'SCTP']);

const live = (object: { provisioningStatus: string }): boolean => !GONE.has(object.provisioningStatus);
const up = (object: { provisioningStatus: string; adminStateUp: boolean }): boolean =>
  live(object) && object.adminStateUp;

/**
 * Joins the flat tree of an {@link AmphoraConfigInput} into what the renderers walk.
 *
 * @throws UnrenderableValueError when a path is not absolute or holds blanks, quotes or control characters
 */
export function buildModel(input: AmphoraConfigInput): ConfigModel {
  const { loadBalancer, amphora } = input;
  const paths = { ...DEFAULT_AMPHORA_PATHS, ...input.paths };
  for (const [key, path] of Object.entries(paths)) pathOf({ type: 'paths', id: key }, key, path);
  const { tree } = loadBalancer;
  const poolView = (pool: Pool): PoolView => {
    const monitor = tree.healthMonitors.find((m) => m.poolId === pool.id && live(m));
    return {
      pool,
      members: tree.members.filter((m) => m.poolId === pool.id && live(m)),
      ...(monitor?.adminStateUp ? { monitor } : {}),
    };
  };
  const poolById = (id: string | undefined): PoolView | undefined => {
    const pool = id === undefined ? undefined : tree.pools.find((p) => p.id === id);
    return pool && up(pool) ? poolView(pool) : undefined;
  };
  const policyView = (policy: L7Policy): PolicyView => {
    const redirectPool = policy.action === 'REDIRECT_TO_POOL' ? poolById(policy.redirectPoolId) : undefined;
    return {
      policy,
      rules: tree.l7Rules.filter((r) => r.l7PolicyId === policy.id && up(r)),
      ...(redirectPool ? { redirectPool } : {}),
    };
  };
  const listenerView = (listener: Listener): ListenerView => {
    const defaultPool = poolById(listener.defaultPoolId);
    const policies = tree.l7Policies
      .filter((p) => p.listenerId === listener.id && up(p))
      // A stable sort: policies with equal positions keep the tree's order.
      .sort((a, b) => a.position - b.position)
      .map(policyView);
    return { listener, policies, ...(defaultPool ? { defaultPool } : {}) };
  };
  const listeners = loadBalancer.adminStateUp ? tree.listeners.filter(up).map(listenerView) : [];
  return {
    loadBalancer,
    amphora,
    paths,
    proxyListeners: listeners.filter((l) => !LVS_PROTOCOLS.has(l.listener.protocol)),
    lvsListeners: listeners.filter((l) => LVS_PROTOCOLS.has(l.listener.protocol)),
  };
}

/**
 * The amphorae of the load balancer that take part in VRRP and in haproxy's peers: not being deleted, not in
 * error, with a VRRP address; the amphora rendered for is always one of them.
 */
export function activeAmphorae(model: ConfigModel): Amphora[] {
  const { amphora } = model;
  const { amphorae } = model.loadBalancer;
  const serving = (a: Amphora): boolean =>
    a.vrrpIp !== undefined && !['PENDING_DELETE', 'DELETED', 'ERROR'].includes(a.status);
  // The load balancer's order, with this amphora (as given to render for) where it stands, or first.
  const peers = amphorae.flatMap((a) => (a.id === amphora.id ? [amphora] : serving(a) ? [a] : []));
  return amphorae.some((a) => a.id === amphora.id) ? peers : [amphora, ...peers];
}

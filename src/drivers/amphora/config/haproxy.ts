import { backendLines, backendName } from './backend';
import { nameOf } from './checks';
import { defaultsSection, globalSection, peersSection, proxyMode, type ProxyMode, section } from './global';
import { usesExternalCheck } from './health';
import type { AmphoraConfigInput } from './input';
import { applies } from './l7';
import { buildModel, type ConfigModel, type ListenerView, type PoolView } from './model';
import { frontendLines } from './frontend';

/**
 * The pools a listener's frontend can send to, each once: its default pool, then the targets of its policies in
 * position order (TCP frontends have no policies).
 */
function usedPools(view: ListenerView, mode: ProxyMode): PoolView[] {
  const targets = mode === 'http' ? view.policies.filter(applies).map((p) => p.redirectPool) : [];
  const pools = [view.defaultPool, ...targets].filter((pool): pool is PoolView => pool !== undefined);
  return pools.filter((pool, index) => pools.findIndex((p) => p.pool.id === pool.pool.id) === index);
}

function listenerSections(model: ConfigModel, view: ListenerView): string[] {
  const mode = proxyMode(view.listener);
  const name = (pool: PoolView): string => backendName(view.listener, pool);
  const frontend = section(
    `frontend ${nameOf({ type: 'listener', id: view.listener.id })}`,
    frontendLines(model, view, mode, name),
  );
  const backends = usedPools(view, mode).flatMap((pool) => [
    '',
    ...section(`backend ${name(pool)}`, backendLines(model, view, pool, mode)),
  ]);
  return ['', ...frontend, ...backends];
}

/**
 * Renders haproxy's configuration for one amphora of a load balancer, as Octavia's amphora driver does with its
 * `combined_listeners` templates: `global`, `defaults`, in ACTIVE_STANDBY a `peers` section, then for each HTTP,
 * HTTPS, TCP and TERMINATED_HTTPS listener a frontend followed by one backend per pool it uses.
 *
 * Left out: objects being deleted; listeners, pools, L7 policies and rules that are administratively down (members
 * that are down are rendered `disabled`); every listener of a load balancer that is down. UDP and SCTP listeners
 * are not haproxy's: LVS serves them, configured by {@link renderKeepalivedConfig}. Without any frontend the
 * configuration still holds the stats socket, so haproxy accepts it and runs serving nothing.
 *
 * Pure and deterministic: the same input renders the same bytes; nothing is sorted but L7 policies, by position.
 * Every user value is quoted (see `quote.ts`) or checked so that it cannot add a directive.
 *
 * @param input - the load balancer, its tree and the amphora to render for
 * @returns the configuration file's text, ending with a newline
 * @throws UnrenderableValueError when a value cannot be rendered safely: an id that is not a plain name, a header
 * or cookie name that is not an HTTP token, a redirect URL with control characters, client authentication without
 * a CA, an ACTIVE_STANDBY amphora without a VRRP address, ...
 */
export function renderHaproxyConfig(input: AmphoraConfigInput): string {
  const model = buildModel(input);
  const listeners = model.proxyListeners;
  const pools = listeners.flatMap((view) => usedPools(view, proxyMode(view.listener)));
  const lbId = nameOf({ type: 'loadbalancer', id: model.loadBalancer.id });
  const peers = peersSection(model);
  const lines = [
    // Nothing names the amphora outside the peers section: a replacement runs byte for byte what the amphora it
    // replaces ran (ACTIVE_STANDBY differs in its peers only).
    `# haproxy configuration for load balancer ${lbId}`,
    ...globalSection(model, listeners, usesExternalCheck(pools)),
    '',
    ...defaultsSection(),
    ...(peers.length > 0 ? ['', ...peers] : []),
    ...listeners.flatMap((view) => listenerSections(model, view)),
  ];
  return `${lines.join('\n')}\n`;
}

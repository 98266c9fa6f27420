import type { Listener } from '../../../models';
import { addressOf, hostPort, nameOf } from './checks';
import { activeAmphorae, type ConfigModel, type ListenerView } from './model';

/** haproxy's proxy modes. */
export type ProxyMode = 'http' | 'tcp';

/** HTTP and TERMINATED_HTTPS are parsed as HTTP; TCP and HTTPS (passed through, not decrypted) are TCP. */
export function proxyMode(listener: Listener): ProxyMode {
  return listener.protocol === 'HTTP' || listener.protocol === 'TERMINATED_HTTPS' ? 'http' : 'tcp';
}

/** Octavia's `[haproxy_amphora] default_connection_limit`: a listener's limit when it sets none. */
export const DEFAULT_CONNECTION_LIMIT = 50_000;
/** haproxy's largest sensible global `maxconn` (Octavia's `HAPROXY_MAX_MAXCONN`). */
export const MAX_CONNECTION_LIMIT = 1_000_000;
/** Octavia's default timeouts (ms), used where a listener's is 0. */
export const DEFAULT_TIMEOUTS = { clientData: 50_000, memberConnect: 5_000, memberData: 50_000 } as const;
/** The port haproxy's peers listen on, on each amphora's VRRP address (Octavia's `HAPROXY_BASE_PEER_PORT`). */
export const PEER_PORT = 1025;

/** A listener's connection limit: its own when positive; -1 (unlimited) and 0 take the default, as in Octavia. */
export function connectionLimit(listener: Listener): number {
  return listener.connectionLimit > 0 ? listener.connectionLimit : DEFAULT_CONNECTION_LIMIT;
}

/** The peers section's name: the load balancer's id without dashes, as Octavia names it. */
export function peersName(model: ConfigModel): string {
  return `${nameOf({ type: 'loadbalancer', id: model.loadBalancer.id }).replaceAll('-', '')}_peers`;
}

/** A section: its header line, then its directives indented by four spaces. */
export function section(header: string, directives: string[]): string[] {
  return [header, ...directives.map((d) => `    ${d}`)];
}

/**
 * The `global` section: the stats socket under `<paths.base>/<loadBalancerId>/`, the global `maxconn` (the sum of
 * the listeners' limits, capped, as Octavia computes it), external checks when a PING monitor needs them, and in
 * ACTIVE_STANDBY the name of this amphora among the peers (`localpeer`, so no `-L` is needed).
 */
export function globalSection(model: ConfigModel, listeners: ListenerView[], externalCheck: boolean): string[] {
  const lbId = nameOf({ type: 'loadbalancer', id: model.loadBalancer.id });
  const sum = listeners.reduce((total, view) => total + connectionLimit(view.listener), 0);
  const maxconn = Math.min(sum || DEFAULT_CONNECTION_LIMIT, MAX_CONNECTION_LIMIT);
  const activeStandby = model.loadBalancer.topology === 'ACTIVE_STANDBY';
  return section('global', [
    'daemon',
    'user nobody',
    'log /run/rsyslog/octavia/log local0',
    'log /run/rsyslog/octavia/log local1 notice',
    `stats socket ${model.paths.base}/${lbId}/haproxy.sock mode 0666 level user`,
    `maxconn ${maxconn}`,
    // haproxy 2.2+ refuses to fork a check command unless both are said.
    ...(externalCheck ? ['external-check', 'insecure-fork-wanted'] : []),
    ...(activeStandby ? [`localpeer ${nameOf({ type: 'amphora', id: model.amphora.id })}`] : []),
  ]);
}

/** The `defaults` section, Octavia's. */
export function defaultsSection(): string[] {
  return section('defaults', [
    'log global',
    'retries 3',
    'option redispatch',
    'option splice-request',
    'option splice-response',
    'option http-keep-alive',
  ]);
}

/**
 * ACTIVE_STANDBY's `peers` section: every serving amphora by id at its VRRP address, so stick tables follow a
 * failover. Empty for SINGLE.
 *
 * @throws UnrenderableValueError when an amphora in it has no VRRP address
 */
export function peersSection(model: ConfigModel): string[] {
  if (model.loadBalancer.topology !== 'ACTIVE_STANDBY') return [];
  const peers = activeAmphorae(model).map((amphora) => {
    const owner = { type: 'amphora', id: amphora.id };
    const address = addressOf(owner, 'vrrpIp', amphora.vrrpIp);
    return `peer ${nameOf(owner)} ${hostPort(owner, 'vrrpIp', address, PEER_PORT)}`;
  });
  return section(`peers ${peersName(model)}`, peers);
}

import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import { addressOf, fail, nameOf } from './checks';
import { KeepalivedNotNeededError } from './errors';
import type { AmphoraConfigInput } from './input';
import { block, virtualServer } from './lvs';
import { activeAmphorae, buildModel, type ConfigModel } from './model';

/** The VIP's interface inside the amphora's `amphora-haproxy` network namespace, where keepalived runs. */
export const VRRP_INTERFACE = 'eth1';

const PRIORITY = { MASTER: 100, BACKUP: 90 } as const;

function digest(purpose: string, loadBalancerId: string): Buffer {
  return createHash('sha256').update(`${purpose}:${loadBalancerId}`).digest();
}

/**
 * The VRRP router id of a load balancer's pair, 1..255, from its id: stable across renders and failovers, and
 * different for most load balancers sharing a VIP network.
 */
export function virtualRouterId(loadBalancerId: string): number {
  return (digest('vrrp-router-id', loadBalancerId).readUInt32BE(0) % 255) + 1;
}

/**
 * The VRRP PASS password of a load balancer's pair: 8 hex digits (keepalived's limit) from its id. VRRP sends it
 * in clear, so it only keeps pairs from answering each other by mistake; it is no secret.
 */
export function vrrpPassword(loadBalancerId: string): string {
  return digest('vrrp-auth-pass', loadBalancerId).toString('hex').slice(0, 8);
}

/** Whether keepalived runs on the amphora: for VRRP (ACTIVE_STANDBY), or for LVS (UDP and SCTP listeners). */
export function needsKeepalived(input: AmphoraConfigInput): boolean {
  const model = buildModel(input);
  return model.loadBalancer.topology === 'ACTIVE_STANDBY' || model.lvsListeners.length > 0;
}

/**
 * ACTIVE_STANDBY's VRRP instance: state and priority from the amphora's role (MASTER 100, BACKUP 90; no
 * `nopreempt`, which keepalived ignores with state MASTER), PASS authentication over IPv4, unicast from this
 * amphora's VRRP address to its peer's, the VIP (the VRRP addresses are on the VIP's subnet, so of its family),
 * and, when haproxy has listeners, a track script that faults the instance while this load balancer's haproxy (its
 * pid file under `paths.base`) is not running (with only LVS listeners haproxy does not run). An amphora whose peer is gone or in error (a failover in progress) gets no
 * unicast lines: keepalived would fall back to multicast anyway, with a warning, and the amphora takes the VIP.
 */
function vrrpSections(model: ConfigModel): string[] {
  const { amphora, loadBalancer } = model;
  const owner = { type: 'amphora', id: amphora.id };
  const lbId = nameOf({ type: 'loadbalancer', id: loadBalancer.id });
  if (amphora.role !== 'MASTER' && amphora.role !== 'BACKUP') {
    fail(owner, 'role', amphora.role, 'must be MASTER or BACKUP in ACTIVE_STANDBY');
  }
  const source = addressOf(owner, 'vrrpIp', amphora.vrrpIp);
  const peers = activeAmphorae(model)
    .filter((a) => a.id !== amphora.id)
    .map((a) => addressOf({ type: 'amphora', id: a.id }, 'vrrpIp', a.vrrpIp));
  const vip = addressOf({ type: 'loadbalancer', id: lbId }, 'vip.ipAddress', loadBalancer.vip.ipAddress);
  const trackHaproxy = model.proxyListeners.length > 0;
  // This load balancer's haproxy master, by its pid file: `pidof haproxy` would see every haproxy of a host that runs
  // several amphorae, and on Debian /bin/pidof is killall5, which keepalived's script security resolves and runs as
  // such (it then always fails). sh and kill are in every essential set.
  const pidFile = `${model.paths.base}/${lbId}/haproxy.pid`;
  const script = block('vrrp_script check_haproxy', [
    `script "/bin/sh -c 'kill -0 $(head -n 1 ${pidFile})'"`,
    'interval 5',
    'fall 2',
    'rise 2',
  ]);
  return [
    ...(trackHaproxy ? [...script, ''] : []),
    ...block(`vrrp_instance ${lbId.replaceAll('-', '')}`, [
      `state ${amphora.role}`,
      `interface ${VRRP_INTERFACE}`,
      `virtual_router_id ${virtualRouterId(loadBalancer.id)}`,
      `priority ${PRIORITY[amphora.role]}`,
      'accept',
      'advert_int 1',
      'garp_master_refresh 5',
      'garp_master_refresh_repeat 2',
      // VRRP v3 (IPv6) has no authentication: keepalived ignores the block there, with a warning.
      ...(isIP(source) === 4
        ? block('authentication', ['auth_type PASS', `auth_pass ${vrrpPassword(loadBalancer.id)}`])
        : []),
      ...(peers.length > 0 ? [`unicast_src_ip ${source}`, ...block('unicast_peer', peers)] : []),
      ...block('virtual_ipaddress', [vip]),
      ...(trackHaproxy ? block('track_script', ['check_haproxy']) : []),
    ]),
  ];
}

/**
 * Renders keepalived's configuration for one amphora of a load balancer: in ACTIVE_STANDBY the VRRP instance that
 * moves the VIP between the pair (Octavia's `keepalived_base.template`), and for every UDP and SCTP listener an
 * IPVS `virtual_server` (Octavia's `keepalivedlvs.cfg.j2`, which haproxy cannot serve). A SINGLE load balancer gets
 * only its virtual servers.
 *
 * keepalived is expected to run inside the amphora's network namespace, so no `net_namespace` is set; the VIP's
 * policy routes (Octavia's `virtual_routes`) are the amphora agent's, as the tree knows no subnet.
 *
 * Pure and deterministic, like {@link renderHaproxyConfig}.
 *
 * @param input - the load balancer, its tree and the amphora to render for
 * @returns the configuration file's text, ending with a newline
 * @throws KeepalivedNotNeededError for a SINGLE load balancer without UDP or SCTP listeners that are up (check
 * {@link needsKeepalived} first): an empty configuration would start a keepalived that does nothing
 * @throws UnrenderableValueError when an ACTIVE_STANDBY amphora lacks a role or VRRP address, or a value cannot be
 * rendered
 */
export function renderKeepalivedConfig(input: AmphoraConfigInput): string {
  const model = buildModel(input);
  const activeStandby = model.loadBalancer.topology === 'ACTIVE_STANDBY';
  if (!activeStandby && model.lvsListeners.length === 0) throw new KeepalivedNotNeededError(model.loadBalancer.id);
  const lbId = nameOf({ type: 'loadbalancer', id: model.loadBalancer.id });
  const ampId = nameOf({ type: 'amphora', id: model.amphora.id });
  const lines = [
    `# keepalived configuration for load balancer ${lbId} on amphora ${ampId}`,
    // Scripts run as root, and keepalived refuses scripts that anyone else could change.
    ...block('global_defs', ['script_user root', 'enable_script_security']),
    ...(activeStandby ? ['', ...vrrpSections(model)] : []),
    ...model.lvsListeners.flatMap((view) => ['', ...virtualServer(model, view)]),
  ];
  return `${lines.join('\n')}\n`;
}

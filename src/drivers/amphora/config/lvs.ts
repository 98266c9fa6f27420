import { isIP } from 'node:net';
import type { HealthMonitor, LbAlgorithm, Member } from '../../../models';
import { addressOf, fail, nameOf, type Owner } from './checks';
import { expectedStatuses } from './health';
import type { ConfigModel, ListenerView, PoolView } from './model';

/** A keepalived block: `header {`, the body indented by four spaces, `}`. */
export function block(header: string, body: string[]): string[] {
  return [`${header} {`, ...body.map((line) => (line === '' ? '' : `    ${line}`)), '}'];
}

/**
 * IPVS schedulers. Octavia uses `wrr`/`lc`/`sh`; `wlc` is chosen here for LEAST_CONNECTIONS because members have
 * weights and `lc` ignores them. SOURCE_IP_PORT (which Octavia's amphora driver does not offer for UDP) is `sh`
 * hashing the port too.
 */
const SCHEDULER: Record<LbAlgorithm, string[]> = {
  ROUND_ROBIN: ['lb_algo wrr'],
  LEAST_CONNECTIONS: ['lb_algo wlc'],
  SOURCE_IP: ['lb_algo sh'],
  SOURCE_IP_PORT: ['lb_algo sh', 'sh-port'],
};

/** Where a member is checked: its monitor address and port when set. */
function checkTarget(member: Member): { ip: string; port: number } {
  const ip = addressOf({ type: 'member', id: member.id }, 'monitorAddress', member.monitorAddress ?? member.address);
  return { ip, port: member.monitorPort ?? member.protocolPort };
}

/**
 * A real server's checker, per monitor type, as Octavia's LVS templates: UDP-CONNECT and SCTP run the amphora's
 * check programs, TCP connects, HTTP GETs. Other types cannot check a UDP or SCTP member: none.
 */
function checker(model: ConfigModel, monitor: HealthMonitor | undefined, member: Member): string[] {
  if (!monitor || !lvsCanRun(monitor)) return [];
  const { ip, port } = checkTarget(member);
  switch (monitor.type) {
    case 'UDP-CONNECT':
      return block('MISC_CHECK', [
        `misc_path "${model.paths.base}/lvs/check/udp_check.sh ${ip} ${port}"`,
        `misc_timeout ${monitor.timeout}`,
      ]);
    case 'SCTP':
      return block('MISC_CHECK', [
        `misc_path "amphora-health-checker sctp -t ${monitor.timeout} ${ip} ${port}"`,
        `misc_timeout ${monitor.timeout + 1}`,
      ]);
    case 'TCP':
      return block('TCP_CHECK', [`connect_ip ${ip}`, `connect_port ${port}`, `connect_timeout ${monitor.timeout}`]);
    default:
      return httpGet(monitor, ip, port);
  }
}

/** Whether keepalived can run a monitor: UDP-CONNECT, SCTP, TCP, and HTTP with GET. */
function lvsCanRun(monitor: HealthMonitor): boolean {
  const { type, httpMethod = 'GET' } = monitor;
  return ['UDP-CONNECT', 'SCTP', 'TCP'].includes(type) || (type === 'HTTP' && httpMethod === 'GET');
}

/** keepalived's HTTP_GET: one `url` block per expected status. */
function httpGet(monitor: HealthMonitor, ip: string, port: number): string[] {
  const owner: Owner = { type: 'healthmonitor', id: monitor.id };
  const path = monitor.urlPath ?? '/';
  // keepalived starts a comment at `#` and `!` and has no quoting for `path`: accept only plain URL characters.
  if (!/^\/[A-Za-z0-9._~/%?&=+:@,;-]*$/.test(path)) fail(owner, 'urlPath', path, 'must be a plain URL path');
  return block('HTTP_GET', [
    ...expectedStatuses(owner, monitor.expectedCodes).flatMap((status) =>
      block('url', [`path ${path}`, `status_code ${status}`]),
    ),
    `connect_ip ${ip}`,
    `connect_port ${port}`,
    `connect_timeout ${monitor.timeout}`,
  ]);
}

function realServer(model: ConfigModel, view: ListenerView, pool: PoolView, member: Member): string[] {
  const address = addressOf({ type: 'member', id: member.id }, 'address', member.address);
  const limit = view.listener.connectionLimit > 0 ? [`uthreshold ${view.listener.connectionLimit}`] : [];
  return [
    `# member ${nameOf({ type: 'member', id: member.id })}`,
    ...block(`real_server ${address} ${member.protocolPort}`, [
      `weight ${member.weight}`,
      ...limit,
      ...checker(model, pool.monitor, member),
    ]),
  ];
}

/** SOURCE_IP persistence: `persistenceTimeout` s (default 360) per `persistenceGranularity` (default one address). */
function stickiness(view: PoolView, family: number): string[] {
  const { persistenceTimeout = 360, persistenceGranularity } = view.pool.sessionPersistence ?? {};
  const granularity = persistenceGranularity ?? (family === 6 ? '128' : '255.255.255.255');
  if (!/^(\d{1,3}(\.\d{1,3}){3}|\d{1,3})$/.test(granularity)) {
    fail(
      { type: 'pool', id: view.pool.id },
      'sessionPersistence.persistenceGranularity',
      granularity,
      'must be a netmask',
    );
  }
  return [`persistence_timeout ${persistenceTimeout}`, `persistence_granularity ${granularity}`];
}

/**
 * A UDP or SCTP listener as an IPVS virtual server on the VIP (NAT), with its default pool's members as real
 * servers. Nothing for a listener without a pool that is up (as Octavia). Members that are down, and members of
 * the other IP family than the VIP (NAT does not translate between them), are left out with a comment.
 */
export function virtualServer(model: ConfigModel, view: ListenerView): string[] {
  const { listener, defaultPool: pool } = view;
  const listenerName = nameOf({ type: 'listener', id: listener.id });
  const vip = addressOf(
    { type: 'loadbalancer', id: model.loadBalancer.id },
    'vip.ipAddress',
    model.loadBalancer.vip.ipAddress,
  );
  if (!pool) return [`# listener ${listenerName} has no pool that is up: no virtual server`];
  const family = isIP(vip);
  const persistence = pool.pool.sessionPersistence;
  const sticky = persistence?.type === 'SOURCE_IP' ? stickiness(pool, family) : [];
  const monitor = pool.monitor;
  const timers =
    monitor && lvsCanRun(monitor)
      ? [`delay_loop ${monitor.delay}`, `delay_before_retry ${monitor.delay}`, `retry ${monitor.maxRetriesDown}`]
      : [];
  const members = pool.members.flatMap((member) => {
    if (!member.adminStateUp) return [`# member ${nameOf({ type: 'member', id: member.id })} is down`];
    if (isIP(member.address) !== family)
      return [`# member ${nameOf({ type: 'member', id: member.id })} is not of the VIP's IP family`];
    return realServer(model, view, pool, member);
  });
  return [
    `# listener ${listenerName}, pool ${nameOf({ type: 'pool', id: pool.pool.id })}`,
    ...block(`virtual_server ${vip} ${listener.protocolPort}`, [
      ...SCHEDULER[pool.pool.lbAlgorithm],
      'lb_kind NAT',
      `protocol ${listener.protocol}`,
      ...sticky,
      ...timers,
      ...members,
    ]),
  ];
}

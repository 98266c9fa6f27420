import type { Listener, Member } from '../../../models';
import { hostPort, nameOf, tokenOf } from './checks';
import { connectionLimit, DEFAULT_TIMEOUTS, peersName, type ProxyMode } from './global';
import { checkOptions, monitorLines } from './health';
import type { ConfigModel, ListenerView, PoolView } from './model';
import { serverTlsOptions } from './tls';
import { haproxyWord } from './quote';

/** How many entries a stick table holds (Octavia's `haproxy_stick_size`). */
const STICK_SIZE = '10k';

/**
 * A pool's backend for one listener, `<poolId>:<listenerId>`: a pool shared by several listeners gets a backend
 * for each, since timeouts, connection limits and the proxy mode are the listener's (as Octavia renders it).
 */
export function backendName(listener: Listener, view: PoolView): string {
  return `${nameOf({ type: 'pool', id: view.pool.id })}:${nameOf({ type: 'listener', id: listener.id })}`;
}

/**
 * The balance algorithm. SOURCE_IP_PORT uses haproxy 2.6's `balance hash` on the client's address and port: no
 * sample fetch returns both, so the port is first stored in a variable that `concat` appends to `src`.
 */
function balanceLines(view: PoolView): string[] {
  switch (view.pool.lbAlgorithm) {
    case 'ROUND_ROBIN':
      return ['balance roundrobin'];
    case 'LEAST_CONNECTIONS':
      return ['balance leastconn'];
    case 'SOURCE_IP':
      return ['balance source'];
    case 'SOURCE_IP_PORT':
      return ['tcp-request content set-var(txn.src_port) src_port', 'balance hash src,concat(:,txn.src_port)'];
  }
}

/**
 * Session persistence. Stick tables are shared with the other amphora through the peers section in
 * ACTIVE_STANDBY. The cookie kinds need HTTP: on a TCP-mode backend they are left out (the API refuses them there).
 */
function persistenceLines(model: ConfigModel, view: PoolView, mode: ProxyMode): string[] {
  const persistence = view.pool.sessionPersistence;
  const peers = model.loadBalancer.topology === 'ACTIVE_STANDBY' ? ` peers ${peersName(model)}` : '';
  switch (persistence?.type) {
    case 'SOURCE_IP':
      // type ipv6 holds IPv4 addresses too, so one table serves both families.
      return [`stick-table type ipv6 size ${STICK_SIZE}${peers}`, 'stick on src'];
    case 'HTTP_COOKIE':
      return mode === 'http' ? ['cookie SRV insert indirect nocache'] : [];
    case 'APP_COOKIE': {
      if (mode !== 'http') return [];
      const owner = { type: 'pool', id: view.pool.id };
      const cookie = tokenOf(owner, 'sessionPersistence.cookieName', persistence.cookieName);
      return [
        `stick-table type string len 64 size ${STICK_SIZE}${peers}`,
        `stick store-response ${haproxyWord(`res.cook(${cookie})`)}`,
        `stick match ${haproxyWord(`req.cook(${cookie})`)}`,
      ];
    }
    case undefined:
      return [];
  }
}

/** The PROXY protocol header sent to the members of PROXY and PROXYV2 pools (v2 with the client's CN over TLS). */
function proxyProtocolOption(view: PoolView, listener: Listener): string[] {
  if (view.pool.protocol === 'PROXY') return ['send-proxy'];
  if (view.pool.protocol !== 'PROXYV2') return [];
  return [listener.protocol === 'TERMINATED_HTTPS' ? 'send-proxy-v2-ssl-cn' : 'send-proxy-v2'];
}

/**
 * One member: `server <memberId> <address>:<port> weight <w>` with its check options, persistence cookie, PROXY
 * protocol, `backup`, `disabled` when it is administratively down, and the pool's TLS options.
 */
function serverLine(model: ConfigModel, view: PoolView, listener: Listener, member: Member, mode: ProxyMode): string {
  const owner = { type: 'member', id: member.id };
  const name = nameOf(owner);
  const options = [
    `weight ${member.weight}`,
    ...checkOptions(view, member),
    ...(view.pool.sessionPersistence?.type === 'HTTP_COOKIE' && mode === 'http' ? [`cookie ${name}`] : []),
    ...proxyProtocolOption(view, listener),
    ...(member.backup ? ['backup'] : []),
    ...(member.adminStateUp ? [] : ['disabled']),
    ...(view.pool.tlsEnabled ? serverTlsOptions(model, view.pool) : []),
  ];
  return `server ${name} ${hostPort(owner, 'address', member.address, member.protocolPort)} ${options.join(' ')}`;
}

/**
 * The directives of a pool's backend for a listener, without its header line. Its mode is the listener's, which
 * haproxy requires of a backend a frontend uses (PROXY pools included).
 */
export function backendLines(model: ConfigModel, view: ListenerView, pool: PoolView, mode: ProxyMode): string[] {
  const { listener } = view;
  return [
    `mode ${mode}`,
    ...balanceLines(pool),
    ...persistenceLines(model, pool, mode),
    ...monitorLines(model, pool),
    `fullconn ${connectionLimit(listener)}`,
    'option allbackups',
    `timeout connect ${listener.timeoutMemberConnect || DEFAULT_TIMEOUTS.memberConnect}`,
    `timeout server ${listener.timeoutMemberData || DEFAULT_TIMEOUTS.memberData}`,
    ...pool.members.map((member) => serverLine(model, pool, listener, member, mode)),
  ];
}

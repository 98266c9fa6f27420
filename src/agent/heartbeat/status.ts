/**
 * What a heartbeat says of the load balancers an amphora serves, read from haproxy's `show stat`: the renderer names
 * each frontend after its listener's id, each backend `<pool id>:<listener id>`, and each server after its member's
 * id, so the CSV maps onto Octavia's objects without a lookup.
 */
import type { Heartbeat } from './message';

type Listeners = Heartbeat['listeners'];
type Pools = Heartbeat['pools'];
type MemberHealth = Pools[string]['members'][string];

/** haproxy's server status (`UP`, `UP 1/3`, `DOWN 2/3`, `NOLB`, `DRAIN`, `MAINT`, `no check`) as a heartbeat's. */
export function memberHealth(status: string): MemberHealth {
  if (status.startsWith('UP')) return 'UP';
  if (status.startsWith('DOWN')) return 'DOWN';
  if (status === 'NOLB' || status === 'DRAIN') return 'DRAIN';
  if (status.startsWith('MAINT')) return 'MAINT';
  return 'no check';
}

/** The listeners and pools of one `show stat` answer (several answers merge: one per load balancer). */
export function statusOf(csv: string): { listeners: Listeners; pools: Pools } {
  const listeners: Listeners = {};
  const pools: Pools = {};
  const [header, ...rows] = csv.split('\n').filter((line) => line.trim() !== '');
  if (!header?.startsWith('# ')) return { listeners, pools };
  const columns = header.slice(2).split(',');
  const field = (fields: string[], name: string) => fields[columns.indexOf(name)] ?? '';
  const count = (fields: string[], name: string) => Math.max(0, Math.trunc(Number(field(fields, name)) || 0));
  for (const fields of rows.map((row) => row.split(','))) {
    const proxy = field(fields, 'pxname');
    const server = field(fields, 'svname');
    const status = field(fields, 'status');
    if (server === 'FRONTEND') {
      listeners[proxy] = {
        status: status === 'OPEN' ? 'OPEN' : status === 'FULL' ? 'FULL' : 'DOWN',
        stats: {
          conns: count(fields, 'scur'),
          totconns: count(fields, 'stot'),
          rx: count(fields, 'bin'),
          tx: count(fields, 'bout'),
          ereq: count(fields, 'ereq'),
        },
      };
      continue;
    }
    const poolId = proxy.split(':')[0] ?? proxy;
    const pool = (pools[poolId] ??= { status: 'DOWN', members: {} });
    if (server === 'BACKEND') pool.status = status.startsWith('UP') ? 'UP' : 'DOWN';
    else pool.members[server] = memberHealth(status);
  }
  return { listeners, pools };
}

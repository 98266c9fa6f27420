/**
 * Operating status from the data plane: what the amphorae's last heartbeats say of a load balancer's listeners, pools
 * and members, folded into its record the way Octavia's health manager folds them into its database
 * (`health_drivers/update_db.py`). Pure: the caller reads the heartbeats and the clock.
 */
import { treeOf } from '../../contracts';
import type { Listener, Member, OperatingStatus, Pool } from '../../models';
import type { PublicLoadBalancer } from '../load-balancers';
import type { HeartbeatRecord } from './store';

type Report = HeartbeatRecord['heartbeat'];
type ListenerReport = Report['listeners'][string];
type PoolReport = Report['pools'][string];
type MemberHealth = PoolReport['members'][string];

/** When the statuses are judged, and how old a heartbeat may be and still count (Octavia's `heartbeat_timeout`). */
export interface Freshness {
  now: number;
  heartbeatTimeoutMs: number;
}

/**
 * Listeners and pools the heartbeat cannot speak for: keepalived's LVS serves UDP and SCTP, and the agent reports
 * only what haproxy's `show stat` lists. While an amphora is heard from, they keep the status the record holds.
 */
const LVS_PROTOCOLS: ReadonlySet<string> = new Set(['UDP', 'SCTP']);

/** Statuses that make the load balancer above them DEGRADED. OFFLINE is chosen (admin down), not a failure. */
const UNHEALTHY: ReadonlySet<OperatingStatus> = new Set(['ERROR', 'DEGRADED']);

/** haproxy's server states as Octavia's member statuses; a member haproxy does not list is not served: OFFLINE. */
const MEMBER_STATUS: Record<MemberHealth, OperatingStatus> = {
  UP: 'ONLINE',
  DOWN: 'ERROR',
  DRAIN: 'DRAINING',
  MAINT: 'OFFLINE',
  'no check': 'NO_MONITOR',
};

/** An own entry of a parsed JSON map: an id such as `constructor` must not find Object's prototype. */
const own = <T>(map: Record<string, T>, key: string): T | undefined => (Object.hasOwn(map, key) ? map[key] : undefined);

/**
 * The record with the operating statuses of its members, pools, listeners and itself derived from heartbeats. Health
 * monitors and L7 policies and rules keep theirs: Octavia's health manager does not derive them either.
 *
 * The rules, Octavia's unless said otherwise:
 * - An object whose admin state is down is OFFLINE (haproxy does not serve it, or lists a member as MAINT).
 * - An object still PENDING_CREATE keeps what it has: its amphorae may not run it yet. A PENDING_CREATE load balancer
 *   is returned as it is.
 * - Member: UP → ONLINE, DOWN → ERROR, DRAIN → DRAINING, MAINT → OFFLINE, `no check` → NO_MONITOR; a member its
 *   pool's report leaves out, or whose pool nothing reports, is OFFLINE. (Octavia leaves such a member's status as it
 *   was; the record's is the control plane's guess, so it would show a member ONLINE that nothing runs.)
 * - Pool: haproxy's backend DOWN (no member serving) → ERROR; UP with a member DOWN → DEGRADED; UP → ONLINE; a pool
 *   no heartbeat reports (no listener uses it, or its listener is down) is OFFLINE.
 * - Listener: OPEN → ONLINE, FULL (at its connection limit) → DEGRADED, DOWN (haproxy stopped the frontend) → ERROR
 *   (Octavia only logs it; a frontend that does not accept is not healthy). One no heartbeat reports is ERROR when it
 *   should run (it, and its load balancer, up and ACTIVE), else OFFLINE.
 * - Load balancer: OFFLINE when its admin state is down; ERROR when no amphora has a fresh heartbeat; DEGRADED when a
 *   listener, pool or member under it is ERROR or DEGRADED; else ONLINE. Octavia's code makes the load balancer ERROR
 *   for a pool in ERROR, but its API reference defines DEGRADED as "one or more of the entity's components are in
 *   ERROR": one dead pool of several listeners does not mean the load balancer failed, so we follow the reference.
 * - UDP and SCTP listeners and pools, and the members of such pools, keep the status the record holds while an
 *   amphora is heard from: keepalived serves them and the heartbeat carries only haproxy's view (Octavia's agent
 *   reports LVS too; ours does not yet).
 *
 * Silence: when no amphora has a heartbeat younger than `heartbeatTimeoutMs` (none arrived, or all are older), every
 * object is judged as if an empty heartbeat had arrived: listeners that should run ERROR, pools and members OFFLINE,
 * the load balancer ERROR. Octavia keeps the last values it wrote, so a dead amphora goes on being reported healthy
 * until it is failed over; a status read after the timeout must not vouch for a data plane nobody has heard from.
 *
 * ACTIVE_STANDBY: each listener and pool is read from the freshest fresh heartbeat that reports it (a pool's members
 * from that same report). Both amphorae run haproxy and check the members, so either report is a true observation;
 * the freshest is what Octavia's database would hold, since each heartbeat overwrites the statuses the previous one
 * wrote. Preferring the MASTER's would trust the record's roles, which lag a keepalived transition the control plane
 * does not see.
 *
 * @param record - the load balancer as last published
 * @param heartbeats - the last heartbeat of each of its amphorae (undefined where none was recorded); heartbeats of
 *   amphorae the record does not hold are ignored
 * @returns a new record; the one given is not changed
 */
export function withDataPlaneStatus(
  record: PublicLoadBalancer,
  heartbeats: readonly (HeartbeatRecord | undefined)[],
  { now, heartbeatTimeoutMs }: Freshness,
): PublicLoadBalancer {
  if (record.provisioningStatus === 'PENDING_CREATE') return record;
  const amphoraIds = new Set(record.amphorae.map((amphora) => amphora.id));
  const fresh = heartbeats
    .filter(
      (beat): beat is HeartbeatRecord =>
        beat !== undefined && amphoraIds.has(beat.amphoraId) && now - beat.receivedAt <= heartbeatTimeoutMs,
    )
    .sort((a, b) => b.receivedAt - a.receivedAt || b.sentAt - a.sentAt);
  const alive = fresh.length > 0;
  const listenerReport = (id: string) => fresh.map((beat) => own(beat.heartbeat.listeners, id)).find(Boolean);
  const poolReport = (id: string) => fresh.map((beat) => own(beat.heartbeat.pools, id)).find(Boolean);

  const tree = treeOf(record);
  const shouldServe = record.adminStateUp && record.provisioningStatus === 'ACTIVE';
  const pools = tree.pools.map((pool) => {
    const report = poolReport(pool.id);
    const members = tree.members.filter((member) => member.poolId === pool.id);
    return {
      pool: judged(pool, () => poolStatus(pool, report, members, alive)),
      members: members.map((member) => judged(member, () => memberStatus(member, pool, report, alive))),
    };
  });
  const listeners = tree.listeners.map((listener) =>
    judged(listener, () => listenerStatus(listener, listenerReport(listener.id), alive, shouldServe)),
  );
  const byId = new Map(pools.flatMap(({ members }) => members).map((member) => [member.id, member]));
  const derived = {
    listeners,
    pools: pools.map(({ pool }) => pool),
    // The tree's order, which the API's listings show.
    members: tree.members.map((member) => byId.get(member.id) ?? member),
  };
  const underneath = [...derived.listeners, ...derived.pools, ...derived.members];
  let operatingStatus: OperatingStatus = 'ONLINE';
  if (!record.adminStateUp) operatingStatus = 'OFFLINE';
  else if (!alive) operatingStatus = 'ERROR';
  else if (underneath.some((object) => UNHEALTHY.has(object.operatingStatus))) operatingStatus = 'DEGRADED';
  return { ...record, operatingStatus, ...(record.tree ? { tree: { ...record.tree, ...derived } } : {}) };
}

/** The object with its derived status, unless it is still being created or is down by choice. */
function judged<T extends { provisioningStatus: string; adminStateUp: boolean; operatingStatus: OperatingStatus }>(
  object: T,
  derive: () => OperatingStatus,
): T {
  if (object.provisioningStatus === 'PENDING_CREATE') return object;
  return { ...object, operatingStatus: object.adminStateUp ? derive() : 'OFFLINE' };
}

function listenerStatus(
  listener: Listener,
  report: ListenerReport | undefined,
  alive: boolean,
  shouldServe: boolean,
): OperatingStatus {
  if (report) return report.status === 'OPEN' ? 'ONLINE' : report.status === 'FULL' ? 'DEGRADED' : 'ERROR';
  if (alive && LVS_PROTOCOLS.has(listener.protocol)) return listener.operatingStatus;
  return shouldServe ? 'ERROR' : 'OFFLINE';
}

function poolStatus(pool: Pool, report: PoolReport | undefined, members: Member[], alive: boolean): OperatingStatus {
  if (!report) return alive && LVS_PROTOCOLS.has(pool.protocol) ? pool.operatingStatus : 'OFFLINE';
  if (report.status === 'DOWN') return 'ERROR';
  return members.some((member) => own(report.members, member.id) === 'DOWN') ? 'DEGRADED' : 'ONLINE';
}

function memberStatus(member: Member, pool: Pool, report: PoolReport | undefined, alive: boolean): OperatingStatus {
  if (!report) return alive && LVS_PROTOCOLS.has(pool.protocol) ? member.operatingStatus : 'OFFLINE';
  const health = own(report.members, member.id);
  return health === undefined ? 'OFFLINE' : MEMBER_STATUS[health];
}

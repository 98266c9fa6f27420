/**
 * What the health manager does after a look, decided without I/O (so the workflow stays deterministic and the rules
 * are tested as a table): which silent amphorae to fail over, which to leave FAILOVER_STOPPED because the breaker is
 * open, and which stopped ones came back by themselves.
 */
import type { BreakerState, HealthAction, HealthLook, HealthSettings, WatchedAmphora } from '../../contracts';

/** What the manager remembers between looks (and carries through continue-as-new). */
export interface ManagerMemory {
  /**
   * The silences already acted on: amphora id → the `lastHeardAt` of the silence it was failed over or stopped for.
   * The same silence is never acted on twice; a new one (heard again, then silent) is.
   */
  actedOn: Record<string, number>;
  breaker: BreakerState;
  failoversStarted: number;
  recent: HealthAction[];
}

export interface HealthDecision {
  failover: WatchedAmphora[];
  /** Watched for longer than the timeout and never heard: reported, never failed over. */
  neverHeard: WatchedAmphora[];
  stop: WatchedAmphora[];
  resume: WatchedAmphora[];
  breaker: BreakerState;
  /** The memory's `actedOn` without the amphorae no longer watched (deleted or replaced). */
  actedOn: Record<string, number>;
}

/** How many actions the manager keeps for its status. */
export const RECENT_ACTIONS = 50;

export function initialMemory(settings: HealthSettings): ManagerMemory {
  return {
    actedOn: {},
    breaker: { state: 'CLOSED', threshold: settings.failoverThreshold, silent: 0, trips: 0 },
    failoversStarted: 0,
    recent: [],
  };
}

/** Whether nothing was heard of the amphora for longer than the timeout at the look. */
const quietTooLong = (look: HealthLook, amphora: WatchedAmphora, settings: HealthSettings): boolean =>
  look.at - amphora.lastHeardAt > settings.heartbeatTimeoutMs;

/** Whether the amphora was heard, then fell silent past the timeout (see {@link WatchedAmphora.heard}). */
export const isSilent = (look: HealthLook, amphora: WatchedAmphora, settings: HealthSettings): boolean =>
  amphora.heard && quietTooLong(look, amphora, settings);

/**
 * Decides one look. An amphora is a candidate when it is silent (heard, then quiet past the timeout), not
 * FAILOVER_STOPPED, and this silence was not acted on. More amphorae quiet for half the timeout than the threshold
 * (those being failed over and the stopped ones count too: a partition that outlasts one failover is still a
 * partition) opens the breaker: candidates are stopped instead of failed over.
 * A stopped amphora heard again is resumed (back to ALLOCATED), never failed over by itself.
 */
export function decide(
  look: HealthLook,
  memory: ManagerMemory,
  settings: HealthSettings,
  nowIso: string,
): HealthDecision {
  const watched = new Set(look.amphorae.map((amphora) => amphora.amphoraId));
  const actedOn = Object.fromEntries(Object.entries(memory.actedOn).filter(([id]) => watched.has(id)));
  const silent = look.amphorae.filter((amphora) => isSilent(look, amphora, settings));
  // The breaker counts amphorae quiet for half the timeout. The last heartbeats of a mass silence (a partition) are
  // spread over one interval, so their silences cross the timeout over several looks; counting only those past it,
  // the first looks would fail over a few before the breaker saw the storm. The timeout exceeds two intervals (see
  // health-config.ts), so every amphora of the storm is quiet for half of it before the first one passes it.
  const quiet = look.amphorae.filter(
    (amphora) => amphora.heard && look.at - amphora.lastHeardAt > settings.heartbeatTimeoutMs / 2,
  );
  const threshold = settings.failoverThreshold;
  const open = threshold !== undefined && quiet.length > threshold;
  const breaker: BreakerState = {
    state: open ? 'OPEN' : 'CLOSED',
    threshold,
    silent: quiet.length,
    trips: memory.breaker.trips + (open && memory.breaker.state === 'CLOSED' ? 1 : 0),
    openedAt: open && memory.breaker.state === 'CLOSED' ? nowIso : memory.breaker.openedAt,
  };
  const candidates = silent.filter(
    (amphora) => amphora.status !== 'FAILOVER_STOPPED' && actedOn[amphora.amphoraId] !== amphora.lastHeardAt,
  );
  const neverHeard = look.amphorae.filter((amphora) => !amphora.heard && quietTooLong(look, amphora, settings));
  const resume = look.amphorae.filter(
    (amphora) => amphora.status === 'FAILOVER_STOPPED' && amphora.heard && !isSilent(look, amphora, settings),
  );
  return open
    ? { failover: [], stop: candidates, resume, neverHeard, breaker, actedOn }
    : { failover: candidates, stop: [], resume, neverHeard, breaker, actedOn };
}

import {
  proxyActivities,
  proxyLocalActivities,
  setCurrentDetails,
  setHandler,
  sleep,
  upsertMemo,
  workflowInfo,
  makeContinueAsNewFunc,
  log,
  patched,
} from '@temporalio/workflow';
import { setBreakerOpen } from '../operation/metrics';
import { HEALTH_MANAGER_QUERY_SAFE_PATCH } from '../operation/patches';
import { validateInput } from '../operation/validate';
import type { Activities } from '../../activities';
import type { HealthActOutcome, HealthActResult } from '../../activities/health';
import {
  healthSettingsSignal,
  healthStatusQuery,
  type HealthAction,
  type HealthLook,
  type HealthManagerStatus,
  type HealthSettings,
  type WatchedAmphora,
} from '../../contracts';
import { decide, initialMemory, RECENT_ACTIONS, type HealthDecision, type ManagerMemory } from './decide';

/** The health manager's input: its settings, and what it remembers after continue-as-new. */
export interface HealthManagerInput {
  settings: HealthSettings;
  memory?: ManagerMemory;
  /** How many history events a run may reach before it continues as new; {@link HISTORY_LIMIT} if left out. */
  historyLimit?: number;
}

// A look is a read (visibility and the heartbeat store): a local activity, no task queue round trip.
const looks = proxyLocalActivities<Activities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: 500, backoffCoefficient: 2, maximumInterval: 10_000 },
});
const acts = proxyActivities<Activities>({
  startToCloseTimeout: '2m',
  retry: { initialInterval: 500, backoffCoefficient: 2, maximumInterval: 10_000 },
});

/** What the status shows before the input is validated, when the input has no settings at all. */
const UNSET: HealthSettings = { heartbeatTimeoutMs: 0, checkIntervalMs: 0 };

/** How many never-heard amphorae the status names. */
const NEVER_HEARD_SAMPLE = 20;

/** Continue as new well before the history gets heavy: every look adds a handful of events. */
const HISTORY_LIMIT = 2_000;

const OUTCOME_TEXT: Record<'failover' | 'stop' | 'resume', Record<HealthActOutcome, HealthAction['outcome']>> = {
  failover: { accepted: 'failover started', busy: 'waiting: load balancer busy', gone: 'gone' },
  stop: { accepted: 'failover stopped', busy: 'waiting: load balancer busy', gone: 'gone' },
  resume: { accepted: 'resumed', busy: 'waiting: load balancer busy', gone: 'gone' },
};

/**
 * The health manager (Octavia's health manager's failover half; the listeners record heartbeats): looks at the last
 * heartbeats every `checkIntervalMs`, fails over each amphora silent for `heartbeatTimeoutMs` through its load
 * balancer's entity, once per silence, and waits for a busy load balancer's turn. When more amphorae are silent at
 * once than `failoverThreshold`, its breaker opens: it fails over none and marks them FAILOVER_STOPPED for an operator
 * (`amphora failover`). Its status query, memo and current details show the breaker and its latest actions.
 */
export async function healthManager(input: HealthManagerInput): Promise<void> {
  // Asked before anything else, in the run's first workflow task, where no query can move it (see patches.ts).
  const querySafe = patched(HEALTH_MANAGER_QUERY_SAFE_PATCH);
  // The handlers go in before the input is validated (a local activity): a query may come at once.
  let settings: HealthSettings = (input as Partial<HealthManagerInput> | undefined)?.settings ?? UNSET;
  let memory: ManagerMemory = initialMemory(settings);
  let lastLookAt: string | undefined;
  let watched = 0;
  let neverHeard: HealthManagerStatus['neverHeard'] = { count: 0, sample: [] };
  const status = (): HealthManagerStatus => ({
    settings,
    breaker: memory.breaker,
    lastLookAt,
    watched,
    neverHeard,
    failoversStarted: memory.failoversStarted,
    recent: memory.recent,
  });
  setHandler(healthStatusQuery, status);
  setHandler(healthSettingsSignal, (next) => {
    // A signal is not validated before it is written: settings that would stop the manager or spin it are ignored.
    const sane =
      Number.isInteger(next?.heartbeatTimeoutMs) &&
      next.heartbeatTimeoutMs >= 100 &&
      Number.isInteger(next.checkIntervalMs) &&
      next.checkIntervalMs >= 50 &&
      (next.failoverThreshold === undefined ||
        (Number.isInteger(next.failoverThreshold) && next.failoverThreshold >= 0));
    if (sane) settings = next;
    else log.warn('health manager: ignored invalid settings', { settings: next });
  });
  const valid = await validateInput('healthManager', input);
  settings = valid.settings;
  memory = (valid.memory as ManagerMemory | undefined) ?? initialMemory(settings);
  const historyLimit = valid.historyLimit ?? HISTORY_LIMIT;
  const continueAsNew = () =>
    makeContinueAsNewFunc<typeof healthManager>()({ settings, memory, historyLimit: valid.historyLimit });
  let published = '';
  for (;;) {
    const look = await looks.lookAtHealth({ taskQueue: workflowInfo().taskQueue });
    lastLookAt = new Date(look.at).toISOString();
    watched = look.amphorae.length;
    const decision = decide(look, memory, settings, querySafe ? lastLookAt : new Date().toISOString());
    memory.actedOn = decision.actedOn;
    neverHeard = {
      count: decision.neverHeard.length,
      sample: decision.neverHeard.slice(0, NEVER_HEARD_SAMPLE).map((amphora) => amphora.amphoraId),
    };
    memory.breaker = decision.breaker;
    setBreakerOpen(decision.breaker.state === 'OPEN', workflowInfo().taskQueue);
    if (decision.failover.length + decision.stop.length + decision.resume.length > 0) {
      const result = await acts.actOnHealth({
        failover: decision.failover.map(target),
        stop: decision.stop.map(target),
        resume: decision.resume.map(target),
      });
      remember(memory, look, decision, result);
    }
    const shown = JSON.stringify({ breaker: memory.breaker, failovers: memory.failoversStarted, neverHeard });
    if (shown !== published) {
      published = shown;
      upsertMemo({ breaker: memory.breaker, failoversStarted: memory.failoversStarted, neverHeard });
      setCurrentDetails(details(status()));
    }
    if (!querySafe && historyFull(historyLimit)) await continueAsNew();
    await sleep(settings.checkIntervalMs);
    // Right after the wait: the first code of a workflow task, which reads the same history length on replay. After a
    // look it would not: a query can end the look's task early, and the code after the look then runs in the next task
    // (with a longer history) where the replay runs it in the look's own.
    if (querySafe && historyFull(historyLimit)) await continueAsNew();
  }
}

/** Whether the run should hand over to a new one: the server suggests it, or the history passed `limit` events. */
const historyFull = (limit: number): boolean =>
  workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > limit;

const target = ({ amphoraId, loadBalancerId }: WatchedAmphora) => ({ amphoraId, loadBalancerId });

/** Folds what the entities answered into the memory: an accepted failover or stop marks its silence as acted on. */
function remember(memory: ManagerMemory, look: HealthLook, decision: HealthDecision, result: HealthActResult): void {
  const at = new Date(look.at).toISOString();
  const record = (kind: 'failover' | 'stop' | 'resume', amphora: WatchedAmphora) => {
    const outcome = result[amphora.amphoraId] ?? 'busy';
    if (outcome === 'accepted' && kind !== 'resume') memory.actedOn[amphora.amphoraId] = amphora.lastHeardAt;
    if (outcome === 'accepted' && kind === 'failover') memory.failoversStarted += 1;
    // A busy load balancer is asked again at every look: one line for it, not one per look.
    const last = memory.recent[memory.recent.length - 1];
    if (outcome === 'busy' && last?.amphoraId === amphora.amphoraId && last.outcome === OUTCOME_TEXT[kind].busy) return;
    memory.recent.push({
      amphoraId: amphora.amphoraId,
      loadBalancerId: amphora.loadBalancerId,
      silentForMs: look.at - amphora.lastHeardAt,
      outcome: OUTCOME_TEXT[kind][outcome],
      at,
    });
  };
  decision.failover.forEach((amphora) => record('failover', amphora));
  decision.stop.forEach((amphora) => record('stop', amphora));
  decision.resume.forEach((amphora) => record('resume', amphora));
  memory.recent.splice(0, Math.max(0, memory.recent.length - RECENT_ACTIONS));
}

/** The Temporal UI's "current details" of the manager, in markdown. */
function details(status: HealthManagerStatus): string {
  const { breaker, settings } = status;
  const threshold = breaker.threshold === undefined ? 'no threshold' : `threshold ${breaker.threshold}`;
  const lines = [
    `**Breaker ${breaker.state}**: ${breaker.silent} silent amphorae, ${threshold}, opened ${breaker.trips} times`,
    `Heartbeat timeout ${settings.heartbeatTimeoutMs} ms; looks every ${settings.checkIntervalMs} ms; ` +
      `${status.failoversStarted} failovers started`,
  ];
  if (status.neverHeard.count > 0) {
    lines.push(
      `**${status.neverHeard.count} amphorae never heard** (a wrong AMPHORA_HEARTBEAT_KEY, a blocked UDP port, or an ` +
        `agent that died before its first heartbeat): ${status.neverHeard.sample.join(', ')}`,
    );
  }
  if (breaker.state === 'OPEN') {
    lines.push(
      'Automatic failover is stopped; silent amphorae are FAILOVER_STOPPED. Resume with `amphora failover <id>` ' +
        'or `amphora failover --stopped`.',
    );
  }
  return lines.join('\n\n');
}

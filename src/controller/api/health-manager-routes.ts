import { Hono } from 'hono';
import type { HealthManagerView } from '../health/manager-status';
import { ensureAdmin, type ApiDependencies, type ApiEnv } from './context';

/**
 * `GET /octavia/healthmanager` (operators only; not in Octavia's API, which shows the breaker only in its logs): the
 * health manager's breaker, settings and latest actions, and the amphorae it left FAILOVER_STOPPED, which
 * `PUT /octavia/amphorae/{id}/failover` resumes.
 */
export function healthManagerRoutes({ controller }: ApiDependencies): Hono<ApiEnv> {
  const routes = new Hono<ApiEnv>();
  routes.get('/', async (c) => {
    ensureAdmin(c.get('caller'));
    const [manager, amphorae] = await Promise.all([controller.healthManager(), controller.failoverStoppedAmphorae()]);
    return c.json({
      healthmanager: { ...view(manager), failover_stopped_amphorae: amphorae.map((amphora) => amphora.id) },
    });
  });
  return routes;
}

function view(manager: HealthManagerView) {
  if (!manager.running) return { running: false, workflow_id: manager.workflowId };
  const { breaker, settings } = manager;
  return {
    running: true,
    workflow_id: manager.workflowId,
    // false: no worker answered; the breaker is what the manager last published.
    answered: manager.answered,
    breaker: {
      state: breaker.state,
      threshold: breaker.threshold ?? null,
      silent_amphorae: breaker.silent,
      opened_at: breaker.openedAt ?? null,
      trips: breaker.trips,
    },
    heartbeat_timeout_ms: settings?.heartbeatTimeoutMs ?? null,
    check_interval_ms: settings?.checkIntervalMs ?? null,
    last_look_at: manager.lastLookAt ?? null,
    watched_amphorae: manager.watched ?? null,
    // Watched for longer than the timeout without one heartbeat: never failed over; usually a wrong key or port.
    never_heard_amphorae: { count: manager.neverHeard?.count ?? 0, sample: manager.neverHeard?.sample ?? [] },
    failovers_started: manager.failoversStarted ?? 0,
    recent_actions: (manager.recent ?? []).map((action) => ({
      amphora_id: action.amphoraId,
      loadbalancer_id: action.loadBalancerId,
      silent_for_ms: action.silentForMs,
      outcome: action.outcome,
      at: action.at,
    })),
  };
}

import type { Command } from 'commander';
import { ControllerError } from '../errors';
import type { HealthManagerView } from '../health/manager-status';
import { emit, withSession, type CliSession } from './session';
import { waitForSettled } from './wait';

/** `amphora health`: the health manager's breaker, settings and latest actions. */
export function healthCommand(amphora: Command): void {
  amphora
    .command('health')
    .description('Show the health manager: its breaker (OPEN stops automatic failover), settings and latest actions')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      await withSession(async (session) => {
        const manager = await session.controller.healthManager();
        const stopped = await session.controller.failoverStoppedAmphorae();
        emit(session, Boolean(options.json), { ...manager, failoverStopped: stopped.map((a) => a.id) }, () =>
          healthText(
            manager,
            stopped.map((a) => a.id),
          ),
        );
      });
    });
}

function healthText(manager: HealthManagerView, stopped: string[]): string {
  if (!manager.running) {
    return `No health manager runs (${manager.workflowId}): start a worker with AMPHORA_HEARTBEAT_KEY set.`;
  }
  const { breaker, settings } = manager;
  const lines = [
    `Health manager ${manager.workflowId}${manager.answered ? '' : ' (no worker answered: last published state)'}`,
    `  breaker:    ${breaker.state}, ${breaker.silent} silent amphorae, threshold ${breaker.threshold ?? 'none'}, opened ${breaker.trips} times${breaker.openedAt ? ` (last ${breaker.openedAt})` : ''}`,
  ];
  if (settings) {
    lines.push(
      `  settings:   heartbeat timeout ${settings.heartbeatTimeoutMs} ms, looks every ${settings.checkIntervalMs} ms`,
    );
  }
  if (manager.lastLookAt) lines.push(`  last look:  ${manager.lastLookAt}, ${manager.watched ?? 0} amphorae watched`);
  lines.push(`  failovers:  ${manager.failoversStarted ?? 0} started`);
  if (manager.neverHeard && manager.neverHeard.count > 0) {
    lines.push(
      `  never heard: ${manager.neverHeard.count} amphorae (check AMPHORA_HEARTBEAT_KEY and UDP to the listeners): ${manager.neverHeard.sample.join(', ')}`,
    );
  }
  for (const action of manager.recent ?? []) {
    lines.push(
      `  ${action.at}  ${action.amphoraId} (load balancer ${action.loadBalancerId}) silent ${action.silentForMs} ms: ${action.outcome}`,
    );
  }
  lines.push(
    stopped.length > 0
      ? `  FAILOVER_STOPPED: ${stopped.join(', ')}\n  Resume them with \`amphora failover <id>\` or \`amphora failover --stopped\`.`
      : '  FAILOVER_STOPPED: none',
  );
  return lines.join('\n');
}

/**
 * `amphora failover --stopped`: fails over every FAILOVER_STOPPED amphora, one load balancer's amphorae after the
 * other (an entity runs one operation at a time), load balancers side by side, printing each as it starts and ends.
 *
 * @throws ControllerError when any failover did not end ACTIVE, naming each.
 */
export async function failoverStopped(session: CliSession, json: boolean): Promise<void> {
  const stopped = await session.controller.failoverStoppedAmphorae();
  const byLoadBalancer = new Map<string, string[]>();
  for (const amphora of stopped) {
    byLoadBalancer.set(amphora.loadBalancerId, [...(byLoadBalancer.get(amphora.loadBalancerId) ?? []), amphora.id]);
  }
  const write = json ? () => undefined : session.out;
  write(`${stopped.length} FAILOVER_STOPPED amphorae on ${byLoadBalancer.size} load balancers`);
  const failed: string[] = [];
  let done = 0;
  await Promise.all(
    [...byLoadBalancer.entries()].map(async ([loadBalancerId, amphoraIds]) => {
      for (const amphoraId of amphoraIds) {
        try {
          await session.controller.failoverAmphora(amphoraId);
          const record = await waitForSettled(session.controller, loadBalancerId, () => undefined);
          if (record?.provisioningStatus !== 'ACTIVE')
            throw new Error(`load balancer ${loadBalancerId} is ${record?.provisioningStatus ?? 'DELETED'}`);
          done += 1;
          write(`  [${done}/${stopped.length}] amphora ${amphoraId} (load balancer ${loadBalancerId}) replaced`);
        } catch (err) {
          done += 1;
          const reason = err instanceof Error ? err.message : String(err);
          failed.push(`${amphoraId}: ${reason}`);
          write(
            `  [${done}/${stopped.length}] amphora ${amphoraId} (load balancer ${loadBalancerId}) failed: ${reason}`,
          );
        }
      }
    }),
  );
  emit(
    session,
    json,
    { resumed: stopped.length - failed.length, failed },
    () => `${stopped.length - failed.length} resumed, ${failed.length} failed`,
  );
  if (failed.length > 0)
    throw new ControllerError(`${failed.length} failovers did not end ACTIVE: ${failed.join('; ')}`);
}

import type { HealthResults } from './health-phase';

const mark = (ok: boolean) => (ok ? '✔' : '✖');

/** The health figures as markdown, in the style of the bench's other tables. */
export function renderHealthTable(h: HealthResults): string {
  const { detection: d, storm: s, priority: p, settings } = h;
  const t = h.listener_throughput;
  const seconds = (ms: number) => (ms / 1000).toFixed(1);
  return [
    `### health manager (${h.mode}): heartbeat every ${settings.heartbeat_interval_ms} ms, timeout ${settings.heartbeat_timeout_ms} ms, a look every ${settings.check_interval_ms} ms`,
    '',
    '| figure | value | expected |',
    '|---|---|---|',
    `| detection p50 / p95, last heartbeat → failover started (${d.samples} samples) | ${d.from_last_heartbeat_ms.p50} / ${d.from_last_heartbeat_ms.p95} ms | timeout + up to a look |`,
    `| detection p50 / heartbeat_timeout (p95) | ${d.p50_over_timeout} (${d.p95_over_timeout}) | |`,
    `| detection p50 / p95, death → failover started | ${d.from_death_ms.p50} / ${d.from_death_ms.p95} ms | |`,
    `| failovers per silence | ${d.failovers_per_silence} | 1 ${mark(d.failovers_per_silence === 1)} |`,
    `| listener, SQLite store: recorded per CPU second (per core) | ${t.sqlite.per_core_per_s} | |`,
    `| listener, memory store: recorded per CPU second (per core) | ${t.memory.per_core_per_s} | |`,
    '',
    `| storm: ${s.silent} of ${s.amphorae} silent at once | threshold | result | from the silence |`,
    '|---|---|---|---|',
    `| breaker (threshold below), ${s.failover.boot_ms} ms boot | ${s.breaker.threshold} | ${s.breaker.failover_stopped} FAILOVER_STOPPED; failed over before the trip ${s.breaker.failed_over_before_trip} ${mark(s.breaker.failed_over_before_trip === 0)}, after it ${s.breaker.failed_over_after_trip} ${mark(s.breaker.failed_over_after_trip === 0)} | trips after ${s.breaker.trip_ms === null ? 'never' : `${seconds(s.breaker.trip_ms)} s`}; all stopped or failing over after ${seconds(s.breaker.all_resolved_ms)} s; healed in ${seconds(s.breaker.healed_ms)} s |`,
    `| failover (threshold above), ${s.failover.boot_ms} ms boot | ${s.failover.threshold} | ${s.failover.failed_over} failed over, ${s.failover.replacements_active} ACTIVE on a replacement, ${s.failover.failed} failed, ${s.failover.breaker_trips} trips ${mark(s.failover.replacements_active === s.silent && s.failover.failed_over === s.silent && s.failover.failed === 0)} | last failover started after ${seconds(s.failover.detection_last_ms)} s, ended after ${seconds(s.failover.last_failover_end_ms)} s; all ACTIVE after ${seconds(s.failover.total_ms)} s: total / boot ${s.failover.total_over_boot} (failovers alone ${s.failover.failovers_over_boot}) |`,
    `| spurious failovers (never silent) | | ${s.spurious_failovers} ${mark(s.spurious_failovers === 0)} | |`,
    '',
    '| listener throughput | sent | received | recorded | dropped (kernel count) | listener CPU s | per core per s | recorded per s |',
    '|---|---|---|---|---|---|---|---|',
    ...(['sqlite', 'memory'] as const).map(
      (store) =>
        `| ${store} store, ${t[store].datagram_bytes}-byte heartbeats | ${t[store].sent} | ${t[store].received} | ${t[store].recorded} | ${t[store].dropped} (${t[store].kernel_rcvbuf_errors}) | ${t[store].listener_cpu_s} | ${t[store].per_core_per_s} | ${t[store].recorded_per_s} |`,
    ),
    '',
    `| failover behind ${p.backlog_creates} queued creates (worker: ${p.worker_slots.workflowTasks} workflow tasks, ${p.worker_slots.activities} activities) | p50 ms | samples ms |`,
    '|---|---|---|',
    `| idle worker, no backlog | | ${p.idle_ms.join(', ')} |`,
    `| priority key 1 (the entity's failovers) | ${p.priority_1_p50_ms} | ${p.priority_1_ms.join(', ')} |`,
    `| default priority | ${p.default_priority_p50_ms} | ${p.default_priority_ms.join(', ')} |`,
    `| default / priority 1 | ${p.default_over_priority} | backlogs drained in ${p.backlog_drain_ms.join(', ')} ms |`,
  ].join('\n');
}

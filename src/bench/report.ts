import type { OperationLevel, OperationShape } from './operations';
import type { Percentiles } from './stats';
import type { StormResult } from './storm';

interface Results {
  mode: string;
  overhead_ratio: number;
  lb_create_vs_hello: number;
  rollback_vs_create: number;
  direct_vs_temporal: number;
  storm_total_over_latency: number;
  storm_peak_rss_mb: number;
  throughput: Record<
    string,
    { ours: number; floor: number; ratio: number; worker_cpu_percent: number; worker_rss_mb: number }
  >;
  latency_ms: Record<string, Percentiles>;
  storm: StormResult;
  storm_by_size: Record<string, number>;
  storm_real_boot: StormResult;
  operations: Record<string, Record<string, OperationLevel>>;
  operation_shapes: Record<string, OperationShape>;
  machine: { load_average_before: number; others_cpu_percent_before: number; others_cpu_percent_during: number };
}

const mark = (ok: boolean) => (ok ? '✔' : '✖');

/** The results as markdown: headline ratios against their targets, then latencies and throughput. */
export function renderTable(r: Results): string {
  const lines = [
    `### amphora-orchestrator bench (${r.mode})`,
    '',
    '| figure | value | target |',
    '|---|---|---|',
    `| overhead_ratio (create p50 / floor p50) | ${r.overhead_ratio} | ≤ 1.10 ${mark(r.overhead_ratio <= 1.1)} |`,
    `| lb_create_vs_hello (create p50 / hello p50) | ${r.lb_create_vs_hello} | |`,
    `| storm_total_over_latency (${r.storm.amphorae} failovers, ${r.storm.latency_ms} ms boot) | ${r.storm_total_over_latency} | ≤ 1.5 ${mark(r.storm_total_over_latency <= 1.5)} |`,
    ...Object.entries(r.storm_by_size)
      .filter(([count]) => Number(count) !== r.storm.amphorae)
      .map(([count, ratio]) => `| storm_total_over_latency with ${count} failovers | ${ratio} | |`),
    `| storm_peak_rss_mb | ${r.storm_peak_rss_mb} | |`,
    `| storm failures | ${r.storm.failed} | 0 ${mark(r.storm.failed === 0)} |`,
    `| rollback_vs_create (fails at the last step, all undone) | ${r.rollback_vs_create} | |`,
    `| direct_vs_temporal (same steps without Temporal) | ${r.direct_vs_temporal} | |`,
    '',
    '| latency (ms) | n | p50 | p95 | p99 |',
    '|---|---|---|---|---|',
    ...Object.entries(r.latency_ms).map(([name, p]) => `| ${name} | ${p.n} | ${p.p50} | ${p.p95} | ${p.p99} |`),
    '',
    '| concurrency | ours (creates/s) | floor (/s) | ratio (target ≥ 0.90) | process CPU % | RSS MiB |',
    '|---|---|---|---|---|---|',
    ...Object.entries(r.throughput).map(
      ([level, t]) =>
        `| ${level} | ${t.ours} | ${t.floor} | ${t.ratio} ${mark(t.ratio >= 0.9)} | ${t.worker_cpu_percent} | ${t.worker_rss_mb} |`,
    ),
    '',
    `| storm | failovers | boot (ms) | total (ms) | total / boot | failed | CPU ms per failover (bench + server) | peak RSS MiB |`,
    '|---|---|---|---|---|---|---|---|',
    ...[r.storm, r.storm_real_boot].map(
      (storm) =>
        `| ${storm === r.storm_real_boot ? 'real boot' : 'short boot'} | ${storm.amphorae} | ${storm.latency_ms} | ${storm.total_ms} | ${storm.storm_total_over_latency}${storm === r.storm_real_boot ? ` (target ≤ 1.5 ${mark(storm.storm_total_over_latency <= 1.5)})` : ''} | ${storm.failed} | ${storm.worker_cpu_ms_per_failover} + ${storm.server_cpu_ms_per_failover} | ${storm.storm_peak_rss_mb} |`,
    ),
    '',
    '| operation | concurrency | ops/s | p50 ms | p95 ms | CPU ms/op bench | CPU ms/op server | peak RSS MiB |',
    '|---|---|---|---|---|---|---|---|',
    ...Object.entries(r.operations).flatMap(([kind, levels]) =>
      Object.entries(levels).map(
        ([level, o]) =>
          `| ${kind} | ${level} | ${o.ops_per_s} | ${o.p50_ms} | ${o.p95_ms} | ${o.worker_cpu_ms_per_op} | ${o.server_cpu_ms_per_op} | ${o.peak_rss_mb} |`,
      ),
    ),
    '',
    '| operation | workflows | history events | workflow tasks |',
    '|---|---|---|---|',
    ...Object.entries(r.operation_shapes).map(
      ([kind, shape]) => `| ${kind} | ${shape.workflows} | ${shape.history_events} | ${shape.workflow_tasks} |`,
    ),
    '',
    `Machine before the run: load average ${r.machine.load_average_before}; other processes used ${r.machine.others_cpu_percent_before} % of a core before and ${r.machine.others_cpu_percent_during} % during the run.`,
  ];
  return lines.join('\n');
}

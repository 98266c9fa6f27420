import type { Percentiles } from './stats';

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
  storm: { amphorae: number; latency_ms: number; total_ms: number; failed: number };
  storm_by_size: Record<string, number>;
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
  ];
  return lines.join('\n');
}

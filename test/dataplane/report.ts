import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import type { ProbeReport } from '../../src/drivers/local/traffic';

/** What one data-plane test measured; the run's figures are the sum (gaps: the largest). */
export interface DataplaneFigures {
  /** Requests sent through a VIP. */
  requests?: number;
  /** Of them, failed outside a failover window. */
  failedOutsideFailovers?: number;
  /** A failover's longest time without an answer, by scenario. */
  gap?: { scenario: string; ms: number };
  /** Something measured besides, by name (the time to a create's first answer). */
  figure?: { name: string; value: string };
  /** Leak checks that found something left. */
  leaked?: number;
}

/**
 * Records figures for the run's `dataplane:` line. Test files run in jest's worker processes, so they append to the
 * file the global setup names in AMPHORA_DATAPLANE_REPORT and the global teardown sums it.
 */
export function recordDataplane(figures: DataplaneFigures): void {
  const file = process.env.AMPHORA_DATAPLANE_REPORT;
  if (file) appendFileSync(file, `${JSON.stringify(figures)}\n`);
}

/**
 * The run's data-plane summary, when a data-plane test ran: a line per failover gap and figure, then
 * `dataplane: N requests, M failed outside failovers, failover gap P ms (max), L leaked`.
 */
export function dataplaneSummary(file: string): string | undefined {
  if (!existsSync(file)) return undefined;
  const entries = readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as DataplaneFigures);
  if (entries.length === 0) return undefined;
  const sum = (pick: (f: DataplaneFigures) => number | undefined) =>
    entries.reduce((total, f) => total + (pick(f) ?? 0), 0);
  const gaps = entries.flatMap((f) => (f.gap ? [f.gap] : []));
  const lines = [
    ...gaps.map((gap) => `dataplane: ${gap.scenario}: gap ${Math.round(gap.ms)} ms`),
    ...entries.flatMap((f) => (f.figure ? [`dataplane: ${f.figure.name}: ${f.figure.value}`] : [])),
    `dataplane: ${sum((f) => f.requests)} requests, ${sum((f) => f.failedOutsideFailovers)} failed outside failovers, failover gap ${Math.round(Math.max(0, ...gaps.map((gap) => gap.ms)))} ms (max), ${sum((f) => f.leaked)} leaked`,
  ];
  return lines.join('\n');
}

/**
 * Asserts that no request failed outside a failover window; when one did, the failure lists each failed request
 * (sent, ended, why) beside the windows, so a reader sees where it fell without running the test again.
 */
export function expectNoFailuresOutsideFailovers(report: ProbeReport): void {
  if (report.failedOutsideFailovers > 0) {
    const spans = report.failedRequests.map(({ startMs, endMs, reason }) => `${startMs}-${endMs} ${reason}`);
    const windows = report.failoverWindows.map(
      ({ startMs, endMs }) => `${Math.round(startMs)}-${endMs === undefined ? 'open' : Math.round(endMs)}`,
    );
    throw new Error(
      `${report.failedOutsideFailovers} request(s) failed outside the failover windows (ms since the probe started, ` +
        `${report.durationMs} in all): failed ${spans.join(', ')}; windows ${windows.join(', ')}`,
    );
  }
  expect(report.failedOutsideFailovers).toBe(0);
}

import { performance } from 'node:perf_hooks';
import type { Dial } from '../gateway/client';
import { httpGet, type FabricHttpResponse } from '../gateway/http';
import { failureReason, firstWord, isServed } from './answers';

/** What a probe sends, and how often. */
export interface ProbeOptions {
  /** Opens each request's connection: a new one per request, as a fresh client would. */
  readonly dial: Dial;
  /** An http:// URL, typically `http://<vip>:<port>/`. */
  readonly url: string;
  /** Time between the starts of two requests; a slower request delays the next one. Default 20 ms. */
  readonly intervalMs?: number;
  /** Bounds one request, connect included. Default 1000 ms. */
  readonly timeoutMs?: number;
  /** Names who answered, to count answers by. Default: the body's first word (a member's name). */
  readonly classify?: (response: FabricHttpResponse) => string;
}

/** A stretch of time in which failures are expected, in ms since the probe started. */
export interface FailoverWindow {
  readonly startMs: number;
  /** Undefined while the window is open; an open window lasts until the probe stops. */
  readonly endMs: number | undefined;
}

/** What a probe saw. Times are milliseconds since the probe started. */
export interface ProbeReport {
  readonly sent: number;
  readonly succeeded: number;
  readonly failed: number;
  /** Failed requests whose time (from send to failure) overlaps no failover window. */
  readonly failedOutsideFailovers: number;
  /**
   * The longest time without a successful answer: between two consecutive successful answers (their completion),
   * or from the start to the first one, or from the last one to the stop (or now, while running).
   */
  readonly longestGapMs: number;
  /** When that gap ended; undefined while it runs on (the service never answered again). */
  readonly longestGapEndedAtMs: number | undefined;
  /** Successful answers by who answered (see {@link ProbeOptions.classify}). */
  readonly answers: ReadonlyMap<string, number>;
  /** Failed requests by reason (see `failureReason`: `refused`, `timed-out`, `status 503`, ...). */
  readonly failures: ReadonlyMap<string, number>;
  readonly failoverWindows: readonly FailoverWindow[];
  /** Each failed request: when it was sent and ended, and why, for a report that shows where failures fell. */
  readonly failedRequests: readonly { startMs: number; endMs: number; reason: string }[];
  readonly durationMs: number;
}

/** A running probe. */
export interface Probe {
  /** Opens a failover window now: failures from here on are expected. No-op when one is open. */
  markFailoverStart(): void;
  /** Closes the open failover window now. No-op when none is open. */
  markFailoverEnd(): void;
  /** What the probe saw so far. */
  report(): ProbeReport;
  /** Stops sending, waits for the request in flight (at most `timeoutMs`), and returns the final report. */
  stop(): Promise<ProbeReport>;
}

/**
 * Sends GET requests to `url` one after another, each over a new connection, until stopped, and counts what
 * happened, as a client would see a failover. Nothing throws: every failure is counted by its reason.
 */
export function startProbe(options: ProbeOptions): Probe {
  const intervalMs = options.intervalMs ?? 20;
  const timeoutMs = options.timeoutMs ?? 1000;
  const classify = options.classify ?? firstWord;
  const origin = performance.now();
  const now = (): number => performance.now() - origin;

  const answers = new Map<string, number>();
  const failures = new Map<string, number>();
  const failedSpans: { startMs: number; endMs: number; reason: string }[] = [];
  const windows: { startMs: number; endMs: number | undefined }[] = [];
  let sent = 0;
  let succeeded = 0;
  let lastSuccessMs = 0;
  let longestGap = { ms: 0, endedAtMs: 0 as number | undefined };
  let stopping = false;
  let stoppedAtMs: number | undefined;
  let wake: (() => void) | undefined;

  const count = (map: Map<string, number>, key: string): void => {
    map.set(key, (map.get(key) ?? 0) + 1);
  };
  const sendOne = async (): Promise<void> => {
    const startMs = now();
    sent += 1;
    let reason: string;
    try {
      const response = await httpGet(options.dial, options.url, { timeoutMs });
      if (isServed(response)) {
        const endMs = now();
        succeeded += 1;
        count(answers, classify(response));
        if (endMs - lastSuccessMs > longestGap.ms) longestGap = { ms: endMs - lastSuccessMs, endedAtMs: endMs };
        lastSuccessMs = endMs;
        return;
      }
      reason = `status ${response.status}`;
    } catch (error) {
      reason = failureReason(error);
    }
    count(failures, reason);
    failedSpans.push({ startMs, endMs: now(), reason });
  };
  const loop = (async () => {
    while (!stopping) {
      const startMs = now();
      await sendOne();
      const waitMs = intervalMs - (now() - startMs);
      if (waitMs > 0 && !stopping) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, waitMs);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    }
  })();

  const report = (): ProbeReport => {
    const endMs = stoppedAtMs ?? now();
    const trailingMs = endMs - lastSuccessMs;
    const gap = trailingMs > longestGap.ms ? { ms: trailingMs, endedAtMs: undefined } : longestGap;
    const inWindow = (span: { startMs: number; endMs: number }): boolean =>
      windows.some((w) => span.endMs >= w.startMs && span.startMs <= (w.endMs ?? Infinity));
    return {
      sent,
      succeeded,
      failed: failedSpans.length,
      failedOutsideFailovers: failedSpans.filter((span) => !inWindow(span)).length,
      longestGapMs: Math.round(gap.ms),
      longestGapEndedAtMs: gap.endedAtMs === undefined ? undefined : Math.round(gap.endedAtMs),
      answers: new Map(answers),
      failures: new Map(failures),
      failoverWindows: windows.map((w) => ({ ...w })),
      failedRequests: failedSpans.map((span) => ({
        ...span,
        startMs: Math.round(span.startMs),
        endMs: Math.round(span.endMs),
      })),
      durationMs: Math.round(endMs),
    };
  };

  return {
    markFailoverStart: () => {
      const last = windows.at(-1);
      if (last && last.endMs === undefined) return;
      windows.push({ startMs: now(), endMs: undefined });
    },
    markFailoverEnd: () => {
      const open = windows.at(-1);
      if (open && open.endMs === undefined) open.endMs = now();
    },
    report,
    stop: async () => {
      stopping = true;
      wake?.();
      // The request in flight finishes first: its outcome belongs in the report.
      await loop;
      stoppedAtMs ??= now();
      return report();
    },
  };
}

import { z } from 'zod';

/**
 * When a fault fires relative to the method's side effect:
 * - `before`: nothing happens and the call throws;
 * - `after`: the side effect happens, then the call throws (a lost response: the resource exists);
 * - `hang`: the side effect happens, then the call does not return until `hangMs` passes (or the hangs are
 *   released), so the activity times out;
 * - `late`: nothing happens for `hangMs`, then the side effect lands and the call returns, long after its caller gave
 *   up (a zombie attempt: the activity timed out and was retried or undone meanwhile), unless the call was aborted first;
 * - `instance-error` (build only): the build is accepted, and the instance later goes to ERROR with a compute fault.
 */
export const FaultModeSchema = z.enum(['before', 'after', 'hang', 'late', 'instance-error']);
export type FaultMode = z.infer<typeof FaultModeSchema>;

export const FaultRuleSchema = z
  .object({
    /** Driver method name, for example `build` or `plugVip`; `*` matches every method. */
    method: z.string().min(1),
    /** Fire on the Nth call that matches this rule's method and subject (1-based, counted by this injector). */
    call: z.number().int().positive().optional(),
    /** Or fire with this probability on each call. */
    probability: z.number().min(0).max(1).optional(),
    mode: FaultModeSchema.default('before'),
    /** A transient fault is retryable (the next attempt may succeed); a permanent one is not. */
    transient: z.boolean().default(false),
    /** How many times the rule fires: 1 by default for `call`, unlimited for `probability`. */
    times: z.number().int().positive().optional(),
    /** How long a `hang` lasts, or how late a `late` side effect lands. */
    hangMs: z.number().int().positive().default(60_000),
    /** The compute fault an `instance-error` build reports. */
    faultMessage: z.string().default('No valid host was found. There are not enough hosts available.'),
    /** Only for calls whose subject (an amphora or load balancer name or id) contains this text. */
    subjectIncludes: z.string().optional(),
  })
  .refine((rule) => rule.call !== undefined || rule.probability !== undefined, {
    error: 'a fault rule needs `call` or `probability`',
  });
export type FaultRule = z.input<typeof FaultRuleSchema>;
type ParsedRule = z.output<typeof FaultRuleSchema>;

export const FaultPlanSchema = z.object({
  /** Seed of the random draws for `probability` rules, so a run can be repeated. */
  seed: z.number().int().default(1),
  rules: z.array(FaultRuleSchema).default([]),
});
export type FaultPlan = z.input<typeof FaultPlanSchema>;

/** A fault that fired: what the driver must do about it. */
export interface FiredFault {
  rule: ParsedRule;
  method: string;
  call: number;
  /** When it fired (epoch ms): the start of the attempt it failed, give or take the driver's own work. */
  at: number;
}

/** Small, fast, seedable PRNG (mulberry32): enough for reproducible fault draws. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Decides which driver calls fail, and how. One injector serves the compute and network noop drivers of one process;
 * tests replace its plan between cases with {@link FaultInjector.setPlan}.
 */
export class FaultInjector {
  private rules: { rule: ParsedRule; seen: number; fired: number }[] = [];
  private random: () => number = seededRandom(1);
  private readonly calls = new Map<string, number>();
  private readonly hangs = new Set<() => void>();
  private readonly history: FiredFault[] = [];

  constructor(plan: FaultPlan = {}) {
    this.setPlan(plan);
  }

  /** Replaces the plan and resets the call counters. */
  setPlan(plan: FaultPlan): void {
    const parsed = FaultPlanSchema.parse(plan);
    this.rules = parsed.rules.map((rule) => ({ rule, seen: 0, fired: 0 }));
    this.random = seededRandom(parsed.seed);
    this.calls.clear();
    this.history.length = 0;
  }

  /** Clears the plan: no call fails. */
  clear(): void {
    this.setPlan({});
  }

  /** The faults that fired since the plan was set, in order. */
  fired(): readonly FiredFault[] {
    return this.history;
  }

  /**
   * Counts a call of `method` and returns the fault to inject into it, if any.
   *
   * @param subject - what the call is about (an amphora name, a load balancer id), for `subjectIncludes` rules.
   */
  next(method: string, subject = ''): FiredFault | undefined {
    const call = (this.calls.get(method) ?? 0) + 1;
    this.calls.set(method, call);
    // Every matching rule counts the call, whichever fires: "call 2" is the second call this rule could match.
    const matching = this.rules.filter(
      ({ rule }) =>
        (rule.method === method || rule.method === '*') &&
        (rule.subjectIncludes === undefined || subject.includes(rule.subjectIncludes)),
    );
    for (const entry of matching) entry.seen += 1;
    for (const entry of matching) {
      const { rule } = entry;
      const limit = rule.times ?? (rule.call !== undefined ? 1 : Infinity);
      if (entry.fired >= limit) continue;
      const hit =
        rule.call !== undefined
          ? entry.seen >= rule.call && (entry.fired > 0 || entry.seen === rule.call)
          : this.random() < (rule.probability ?? 0);
      if (!hit) continue;
      entry.fired += 1;
      const fault = { rule, method, call, at: Date.now() };
      this.history.push(fault);
      return fault;
    }
    return undefined;
  }

  /**
   * Waits out a `hang` or `late` fault: `hangMs`, or until {@link FaultInjector.releaseHangs}, or until `signal`
   * aborts (the caller gave up on the call).
   *
   * @returns how the wait ended.
   */
  async hang(fault: FiredFault, signal?: AbortSignal): Promise<'elapsed' | 'released' | 'aborted'> {
    if (signal?.aborted) return 'aborted';
    return new Promise((resolve) => {
      const end = (how: 'elapsed' | 'released' | 'aborted') => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.hangs.delete(release);
        resolve(how);
      };
      const release = () => end('released');
      const onAbort = () => end('aborted');
      const timer = setTimeout(() => end('elapsed'), fault.rule.hangMs);
      // A hung call must not keep a test process alive on its own.
      timer.unref();
      signal?.addEventListener('abort', onAbort);
      this.hangs.add(release);
    });
  }

  /** Ends every hang now (the hung calls then throw), so workers can shut down promptly after a test. */
  releaseHangs(): void {
    for (const release of [...this.hangs]) release();
  }
}

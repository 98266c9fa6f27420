/** The first look after a boot starts: a container-style amphora is up in a fraction of a second. */
const FIRST_DELAY_MS = 250;

/**
 * The waits between looks at a booting amphora: soon at first, doubling up to `intervalMs` (Octavia's
 * `amp_active_wait_sec`), for as long as `intervalMs × attempts` (its `amp_active_retries`) allows. A VM that takes a
 * minute costs a few more cheap looks at the start; an amphora that boots in 200 ms is seen at 250 ms, not 10 s.
 *
 * @returns the delays in milliseconds; the wait looks once before the first and once after each.
 */
export function pollDelays(intervalMs: number, attempts: number): number[] {
  const budget = intervalMs * attempts;
  const delays: number[] = [];
  let next = Math.min(FIRST_DELAY_MS, intervalMs);
  for (let spent = 0; spent + next <= budget; spent += next, next = Math.min(next * 2, intervalMs)) {
    delays.push(next);
  }
  return delays;
}

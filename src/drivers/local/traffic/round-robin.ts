import type { Dial } from '../gateway/client';
import { httpGet } from '../gateway/http';
import { failureReason, firstWord, isServed } from './answers';

/**
 * Sends `n` GET requests to `url` one after another, each over a new connection, and returns who answered each,
 * in order (the body's first word: `['m1', 'm2', 'm1', 'm2']` for a round-robin pool of two). A failed request
 * shows as `!<reason>` (`!refused`, `!status 503`), so that an assertion on the list prints what went wrong.
 */
export async function roundRobinCheck(
  dial: Dial,
  url: string,
  n: number,
  options: { timeoutMs?: number } = {},
): Promise<string[]> {
  const order: string[] = [];
  for (let i = 0; i < n; i += 1) {
    try {
      const response = await httpGet(dial, url, { timeoutMs: options.timeoutMs ?? 1000 });
      order.push(isServed(response) ? firstWord(response) : `!status ${response.status}`);
    } catch (error) {
      order.push(`!${failureReason(error)}`);
    }
  }
  return order;
}

import { setFlagsFromString } from 'node:v8';

/**
 * Bounds how far this process's JavaScript heaps (the worker's main thread and its workflow threads) grow past what
 * they still hold after a full garbage collection before they collect again: V8's `--heap-growing-percent`, which
 * NODE_OPTIONS does not accept. With 0, V8 picks a factor from 1.1 to 4 by how cheap collection has been, and on a
 * machine with memory to spare it picks high: a storm of 1000 failovers then held ~130 MiB of garbage at its peak
 * (storm-alone: 678 MiB; 551 at 50 %, 490 at 20 %, for a few percent more of the worker's CPU). Unlike a cap on the
 * heap's size (`--max-old-space-size`), a growth bound never stops a worker that holds more live workflows than
 * expected.
 *
 * It must run before the worker starts its workflow threads. V8 reads the flag at each full collection.
 *
 * @param percent growth past the live heap, in percent; 0 leaves the choice to V8.
 */
export function boundHeapGrowth(percent: number): void {
  setFlagsFromString(`--heap-growing-percent=${percent}`);
}

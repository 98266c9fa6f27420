import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The abort signal of the driver call in progress. The caller (an activity) sets it around the call; the drivers
 * read it where they wait (an HTTP request, a simulated hang), so that an abandoned call stops instead of landing its
 * side effect after someone else has looked. It travels in async-local storage, so no driver method takes an extra
 * argument and the drivers still know nothing of Temporal.
 */
const storage = new AsyncLocalStorage<AbortSignal>();

/** Runs `call` with `signal` as the abort signal of every driver request it makes. */
export function withCallSignal<T>(signal: AbortSignal, call: () => T): T {
  return storage.run(signal, call);
}

/** The abort signal of the driver call in progress, if its caller gave one. */
export function callSignal(): AbortSignal | undefined {
  return storage.getStore();
}

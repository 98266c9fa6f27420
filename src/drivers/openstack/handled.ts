/**
 * Makes the promises of a driver's methods count as handled from the start.
 *
 * Callers may start several driver calls and await them one by one (lookups in flight together). With real I/O, a
 * call that fails fast (a validation error, a quick 404) can then reject before its turn comes; Node reports that
 * as an unhandled rejection, and under its default `--unhandled-rejections=throw` a worker process would crash
 * although the caller does handle the failure a moment later. Each returned promise gets a no-op handler, so the
 * rejection is reported to whoever awaits it, and to nobody else. (Forgotten awaits are caught by the linter's
 * `no-floating-promises`, not at run time.)
 *
 * @param driver - the instance whose methods to wrap.
 * @param prototype - the class whose own methods are wrapped (the concrete driver's prototype).
 */
export function markRejectionsHandled(driver: object, prototype: object): void {
  for (const name of Object.getOwnPropertyNames(prototype)) {
    const method: unknown = Reflect.get(prototype, name);
    if (name === 'constructor' || typeof method !== 'function') continue;
    const wrapped = (...args: unknown[]): unknown => {
      const result: unknown = Reflect.apply(method, driver, args);
      if (result instanceof Promise) result.catch(() => undefined);
      return result;
    };
    Object.defineProperty(driver, name, { value: wrapped, configurable: true, writable: true });
  }
}

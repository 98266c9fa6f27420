/** The amphora driver's errors: what can go wrong when the controller talks to the agent inside an amphora. */
import { amphoraName } from '../../models';
import { DriverError, type DriverErrorOptions } from '../errors';

/** The two services an amphora's agent configures. */
export type AmphoraService = 'haproxy' | 'keepalived';

/** Base of the amphora driver's errors. Transient by default: an agent that misbehaves may recover. */
export class AmphoraDriverError extends DriverError {
  constructor(message: string, options: DriverErrorOptions = {}) {
    super(message, options, true);
  }
}

/**
 * The amphora's agent does not answer: its instance is gone, still booting or being deleted, or the agent is down.
 * Retryable: an amphora that is booting answers later; one that stays silent is for failover to replace.
 */
export class AmphoraUnreachableError extends AmphoraDriverError {
  constructor(
    readonly amphoraId: string,
    /** Why the agent could not be reached, for example `its compute instance is BUILDING`. */
    readonly reason: string,
    options: DriverErrorOptions = {},
  ) {
    super(
      `Cannot reach the agent of ${amphoraName(amphoraId)}: ${reason}; retry once the amphora is ACTIVE, or fail it over if it stays unreachable`,
      { retryable: true, ...options },
    );
  }
}

/**
 * haproxy or keepalived refused the rendered configuration; the amphora keeps running the previous one. Not
 * retryable: the same tree renders the same refused configuration.
 */
export class AmphoraConfigRejectedError extends AmphoraDriverError {
  constructor(
    readonly amphoraId: string,
    readonly service: AmphoraService,
    /** What the service's configuration check printed. */
    readonly checkerOutput: string,
    options: DriverErrorOptions = {},
  ) {
    const firstLine = checkerOutput.split('\n').find((line) => line.trim() !== '') ?? 'no output';
    super(
      `${amphoraName(amphoraId)} refused the new ${service} configuration and keeps the previous one: ${firstLine.trim()}; fix the load balancer's objects and apply again`,
      { retryable: false, ...options },
    );
  }
}

/** A reload or start of a service that was never given a configuration. Not retryable: apply one first. */
export class AmphoraNotConfiguredError extends AmphoraDriverError {
  constructor(
    readonly amphoraId: string,
    readonly service: AmphoraService,
    /** What was asked, for example `reload`. */
    readonly operation: string,
    options: DriverErrorOptions = {},
  ) {
    const apply = service === 'haproxy' ? 'updateAmphoraListeners' : 'updateVrrpConfiguration';
    super(
      `Cannot ${operation} ${service} on ${amphoraName(amphoraId)}: no ${service} configuration was applied; apply one with ${apply} first`,
      { retryable: false, ...options },
    );
  }
}

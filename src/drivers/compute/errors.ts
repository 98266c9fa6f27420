import { DriverError, type DriverErrorOptions } from '../errors';
import type { ComputeFault } from '../../models';

/** Base of the compute driver's errors. Transient by default: a compute API that misbehaves may recover. */
export class ComputeError extends DriverError {
  constructor(message: string, options: DriverErrorOptions = {}) {
    super(message, options, true);
  }
}

/** No instance matches the id or name asked for. */
export class InstanceNotFoundError extends ComputeError {
  constructor(
    /** `id` or `name`, and its value. */
    readonly lookup: { id: string } | { name: string },
    options: DriverErrorOptions = {},
  ) {
    const what = 'id' in lookup ? `id ${lookup.id}` : `name ${lookup.name}`;
    super(`No compute instance with ${what} was found`, { retryable: false, ...options });
  }
}

/** resume() was called on an instance that is not suspended (the seed's NotSuspendedError). */
export class NotSuspendedError extends ComputeError {
  constructor(
    readonly computeId: string,
    options: DriverErrorOptions = {},
  ) {
    super(`Instance ${computeId} is not suspended, so it cannot be resumed`, { retryable: false, ...options });
  }
}

/** Building an amphora failed; `fault` carries what the compute service said, when it said something. */
export class ComputeBuildError extends ComputeError {
  constructor(
    readonly amphoraName: string,
    readonly fault?: ComputeFault,
    options: DriverErrorOptions = {},
  ) {
    const reason = fault ? `compute fault ${fault.code} "${fault.message}"` : 'the compute service rejected it';
    super(`Amphora build failed for ${amphoraName}: ${reason}`, options);
  }
}

/** Deleting an instance or server group failed; it may still exist. */
export class ComputeDeleteError extends ComputeError {
  constructor(
    readonly resourceId: string,
    reason: string,
    options: DriverErrorOptions = {},
  ) {
    super(`Deleting ${resourceId} failed: ${reason}`, options);
  }
}

/** Reading an instance's status failed. */
export class ComputeStatusError extends ComputeError {
  constructor(
    readonly computeId: string,
    reason: string,
    options: DriverErrorOptions = {},
  ) {
    super(`Reading the status of ${computeId} failed: ${reason}`, options);
  }
}

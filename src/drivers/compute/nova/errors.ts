import type { DriverErrorOptions } from '../../errors';
import { statusOf } from '../../openstack/errors';
import { OpenStackHttpError } from '../../openstack/http-errors';
import type { InstanceLookup } from '../driver';
import { ComputeBuildError, ComputeError, InstanceNotFoundError } from '../errors';

/** The error for a 404 on an instance lookup. */
export const instanceNotFound = (lookup: InstanceLookup) => (_message: string, options: DriverErrorOptions) =>
  new InstanceNotFoundError(lookup, { cause: options.cause });

/** A build the API refused carries Nova's answer as the fault; one without an answer is a plain ComputeError. */
export function buildError(name: string) {
  return (message: string, options: DriverErrorOptions) =>
    options.cause instanceof OpenStackHttpError
      ? new ComputeBuildError(name, { code: options.cause.status, message: options.cause.apiMessage }, options)
      : new ComputeError(message, options);
}

/** After an attach answered 404: InstanceNotFoundError if the instance is the missing thing, else the original. */
export function rethrowAs404(computeId: string, original: unknown) {
  return (err: unknown): never => {
    if (statusOf(err) === 404) throw new InstanceNotFoundError({ id: computeId }, { cause: err });
    throw original;
  };
}

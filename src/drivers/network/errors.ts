import { DriverError, type DriverErrorOptions } from '../errors';

/**
 * Base of the network driver's errors (the seed's NetworkException). Transient by default; the not-found and
 * in-use conditions below are not.
 */
export class NetworkError extends DriverError {
  constructor(message: string, options: DriverErrorOptions = {}) {
    super(message, options, true);
  }
}

/** Routing the VIP to the amphorae failed (the seed's PlugVIPException). */
export class PlugVipError extends NetworkError {}
/** Removing the VIP's routing failed (UnplugVIPException). */
export class UnplugVipError extends NetworkError {}
/** Reserving a VIP failed (AllocateVIPException). */
export class AllocateVipError extends NetworkError {}
/** Releasing a VIP failed (DeallocateVIPException). */
export class DeallocateVipError extends NetworkError {}
/** Connecting an amphora to a network failed (PlugNetworkException). */
export class PlugNetworkError extends NetworkError {}
/** Disconnecting an amphora from a network failed (UnplugNetworkException). */
export class UnplugNetworkError extends NetworkError {}

/** The VIP is still plugged into amphorae, so it cannot be released (VIPInUse). */
export class VipInUseError extends NetworkError {
  constructor(
    readonly vipPortId: string,
    detail: string,
    options: DriverErrorOptions = {},
  ) {
    super(`VIP port ${vipPortId} is in use: ${detail}`, { retryable: false, ...options });
  }
}

/** The VIP's configuration (its port or security group) cannot be found (VIPConfigurationNotFound). */
export class VipConfigurationNotFoundError extends NetworkError {
  constructor(message: string, options: DriverErrorOptions = {}) {
    super(message, { retryable: false, ...options });
  }
}

/** Base of the "does not exist" conditions: never retryable. */
abstract class NetworkResourceNotFoundError extends NetworkError {
  constructor(
    kind: string,
    readonly resourceId: string,
    hint: string,
    options: DriverErrorOptions = {},
  ) {
    super(`${kind} ${resourceId} was not found${hint ? `: ${hint}` : ''}`, { retryable: false, ...options });
  }
}

export class PortNotFoundError extends NetworkResourceNotFoundError {
  constructor(portId: string, hint = '', options: DriverErrorOptions = {}) {
    super('Port', portId, hint, options);
  }
}
export class SubnetNotFoundError extends NetworkResourceNotFoundError {
  constructor(subnetId: string, hint = 'check the subnet id', options: DriverErrorOptions = {}) {
    super('Subnet', subnetId, hint, options);
  }
}
export class NetworkNotFoundError extends NetworkResourceNotFoundError {
  constructor(networkId: string, hint = 'check the network id', options: DriverErrorOptions = {}) {
    super('Network', networkId, hint, options);
  }
}
export class AmphoraNotFoundError extends NetworkResourceNotFoundError {
  constructor(computeId: string, hint = 'no compute instance has this id', options: DriverErrorOptions = {}) {
    super('Amphora compute instance', computeId, hint, options);
  }
}
/** No VIP is plugged where one was expected (PluggedVIPNotFound). */
export class PluggedVipNotFoundError extends NetworkResourceNotFoundError {
  constructor(
    loadBalancerId: string,
    hint = 'no VIP is plugged for this load balancer',
    options: DriverErrorOptions = {},
  ) {
    super('Plugged VIP of load balancer', loadBalancerId, hint, options);
  }
}

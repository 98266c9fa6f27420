export * from './driver';
export * from './errors';
export { NoopNetworkDriver, type NoopNetworkOptions } from './noop';
export { NeutronNetworkDriver, type NeutronNetworkOptions } from './neutron/driver';

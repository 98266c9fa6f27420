export * from './driver';
export * from './errors';
export { NoopNetworkDriver, type NoopNetworkOptions } from './noop';

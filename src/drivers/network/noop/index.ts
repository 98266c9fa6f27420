/** The network driver over the noop cloud. */
export { NoopNetworkDriver, type NoopNetworkOptions } from './driver';

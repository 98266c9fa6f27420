/** The compute driver over the noop cloud. */
export { NoopComputeDriver, type NoopComputeOptions } from './driver';

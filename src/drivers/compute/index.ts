export * from './driver';
export * from './errors';
export { NoopComputeDriver, type NoopComputeOptions } from './noop';

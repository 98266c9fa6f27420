export * from './driver';
export * from './errors';
export { NoopComputeDriver, type NoopComputeOptions } from './noop';
export { NovaComputeDriver, type NovaComputeOptions } from './nova/driver';
export { NOVA_MICROVERSION } from './nova/schemas';

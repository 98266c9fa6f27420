export * from './driver';
export * from './errors';
export { NoopComputeDriver, type NoopComputeOptions } from './noop';
export { NovaComputeDriver, type NovaComputeOptions } from './nova';
export { NOVA_MICROVERSION } from './nova-schemas';

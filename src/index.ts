/**
 * amphora-orchestrator's public API: configuration, models, the driver interfaces with their errors and noop
 * implementations, and the search attributes the workflows set.
 */
export { loadConfig, ConfigError, type AppConfig, type DriverSelection } from './config';
export * from './models';
export * from './drivers';
export * from './contracts';

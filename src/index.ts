/**
 * amphora-orchestrator's public API: configuration, models, drivers, activities and workflow names.
 */
export { loadConfig, ConfigError, type AppConfig, type DriverSelection } from './config';
export * from './workflows/search-attributes';

/** The amphora driver family: configures what an amphora serves, through the agent inside it. */
export * from './driver';
export * from './errors';
export { NoopAmphoraDriver, NOOP_AGENT_VERSIONS, type NoopAmphoraOptions } from './noop';
export { DEFAULT_AMPHORA_PATHS, type AmphoraConfigInput, type AmphoraPaths } from './config/input';
/** The same as `NetworkPlugRequest` here, under a name that does not clash with the network family's. */
export type { NetworkPlugRequest as AmphoraNetworkPlugRequest } from './driver';

/** The amphora driver over the noop cloud: pretend agents whose state lives in the cloud's store. */
export { NoopAmphoraDriver, NOOP_AGENT_VERSIONS, type NoopAmphoraOptions } from './driver';
export { checkHaproxyConfig, type HaproxyCheckResult } from './haproxy-check';

/** What Nova and Neutron share: the Keystone session, settings, error mapping and logging. */
export { OpenStackSession, type SessionOptions } from './session';
export { parseOpenStackSettings, type OpenStackSettings } from './settings';
export { silentLogger, type Logger } from './logger';
export { toComputeError, toNetworkError, type ErrorContext } from './errors';
export { Secret } from './secret';

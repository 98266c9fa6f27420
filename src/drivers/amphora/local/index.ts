/** The amphora driver of the local data plane: real agents inside amphora namespaces, reached over mutual TLS. */
export { LocalAmphoraDriver, type LocalAmphoraDriverOptions } from './driver';
export { cidrHolds } from './guards';
export { AgentClient, AgentRequestError, type AgentClientOptions, type AgentTarget } from './agent-client';
export { loadOrCreatePki, PKI_FILES, type LocalPki } from './pki';

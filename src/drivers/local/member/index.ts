// The member server: the small HTTP/TCP/UDP service that member namespaces run and that names itself in every
// answer, so that tests can see which member (and through which amphora) a request reached.
export { parseEndpoint, formatEndpoint, type Endpoint } from './endpoint';
export { startMemberServer, identity, type MemberServer, type MemberServerOptions } from './member-server';

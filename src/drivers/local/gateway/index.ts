// The fabric gateway: how a process in the root namespace reaches addresses inside the local fabric, through a
// Unix socket served by `main.ts` inside a fabric namespace, and never by dialling them itself.
export { parseCidr, parseCidrList, cidrContains, type Ipv4Cidr } from './cidr';
export { gatewayDial, waitForGateway, DEFAULT_DIAL_TIMEOUT_MS, type Dial, type DialOptions } from './client';
export { guardDirectFabricDials, type DirectDialGuard } from './direct-dial-guard';
export * from './errors';
export { FABRIC_RANGES, isFabricAddress, assertFabricSafe } from './fabric-address';
export { httpGet, httpRequest, type FabricHttpOptions, type FabricHttpResponse } from './http';
export { startGatewayServer, type GatewayServer, type GatewayServerOptions } from './server';

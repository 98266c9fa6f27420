/** Renders an amphora's haproxy and keepalived configuration files from its load balancer's object tree. */
export { renderHaproxyConfig } from './haproxy';
export { needsKeepalived, renderKeepalivedConfig, virtualRouterId, VRRP_INTERFACE, vrrpPassword } from './keepalived';
export { tlsFileName } from './tls';
export { KeepalivedNotNeededError, UnrenderableValueError } from './errors';
export { DEFAULT_AMPHORA_PATHS } from './input';
export type { AmphoraConfigInput, AmphoraLoadBalancer, AmphoraPaths } from './input';

/**
 * The amphora agent's HTTP API: the wire shapes both the agent (`src/agent`) and the controller's client
 * (`src/drivers/amphora/local`) speak. A subset of Octavia's amphora agent API 1.0, snake_case as Octavia's, plus a
 * few calls of ours (marked) where Octavia has none. Types only, so the driver imports nothing of the agent's code.
 */

/** The API version, and the prefix of every path: `/1.0/...`. */
export const AGENT_API_VERSION = '1.0';

/** The port the agent listens on (Octavia's `bind_port`). */
export const AGENT_PORT = 9443;

/** The common name of the controller's client certificate; the agent answers no other client. */
export const CONTROLLER_CERT_NAME = 'amphora-controller';

/** Every error body: what failed, and haproxy's or keepalived's own words where they have some. */
export interface AgentErrorBody {
  message: string;
  details: string;
}

/** `GET /1.0/info`. */
export interface AgentInfo {
  /** `amphora-<id>`: the namespace shares the host's hostname, so the agent names itself after its amphora. */
  hostname: string;
  haproxy_version: string;
  api_version: string;
}

/** One network interface of the amphora, as `GET /1.0/details` lists it. */
export interface AgentInterface {
  name: string;
  mac: string;
  /** `address/prefix` of every address on it. */
  addresses: string[];
  /** The network it was plugged for, when the agent was told (ours). */
  network_id?: string;
}

/** keepalived's state: no configuration, configured but not running, or running. */
export type KeepalivedStatus = 'absent' | 'stopped' | 'running';

/** `GET /1.0/details`. */
export interface AgentDetails extends AgentInfo {
  /** Load balancers whose haproxy runs. */
  load_balancers: string[];
  /** Load balancers that have an installed haproxy configuration, running or not (ours). */
  configured_load_balancers: string[];
  interfaces: AgentInterface[];
  keepalived: KeepalivedStatus;
  /** The VIP network's id, as `POST /plug/vip` named it (ours). */
  vip_network_id?: string;
  /** Member networks in the order they were plugged, as `POST /plug/network` named them (ours). */
  networks: string[];
}

/** `POST /1.0/plug/vip/{vip}`. */
export interface PlugVipBody {
  /** The VIP subnet's CIDR: its prefix length is that of the VRRP address. */
  subnet_cidr: string;
  /** The amphora's own (base port) address on the VIP network. */
  vrrp_ip: string;
  gateway?: string;
  /** Whether the agent adds the VIP itself (SINGLE); in ACTIVE_STANDBY keepalived adds it on the MASTER. */
  add_vip: boolean;
  /** The VIP base port's interface; `eth1` by default. */
  interface?: string;
  /** The VIP network's id, for `GET /details` (ours). */
  network_id?: string;
}

/** One address of a plugged port. */
export interface FixedIpBody {
  ip_address: string;
  subnet_cidr: string;
}

/** `POST /1.0/plug/network`. */
export interface PlugNetworkBody {
  /** The port's MAC address; without one the agent only records the network (there is no interface to find). */
  mac_address?: string;
  fixed_ips: FixedIpBody[];
  /** The network the port is on, for `GET /details` and `unplug` (ours). */
  network_id?: string;
}

/** `POST /1.0/unplug/network` (ours): by MAC address, or by the network id given at plug time. */
export interface UnplugNetworkBody {
  mac_address?: string;
  network_id?: string;
}

/** The answer of the plug calls: the interface configured (none when there was nothing to configure). */
export interface PlugResult {
  interface?: string;
}

/** Traffic counters of one listener (a haproxy frontend named after the listener's id). */
export interface AgentListenerStats {
  listener_id: string;
  active_connections: number;
  bytes_in: number;
  bytes_out: number;
  request_errors: number;
  total_connections: number;
}

/** `GET /1.0/loadbalancer/{lb_id}/stats` (ours): empty when the load balancer's haproxy does not run. */
export interface AgentStats {
  listeners: AgentListenerStats[];
}

/** The haproxy actions of `PUT /1.0/loadbalancer/{lb_id}/{action}`. */
export const HAPROXY_ACTIONS = ['start', 'stop', 'reload'] as const;
export type HaproxyAction = (typeof HAPROXY_ACTIONS)[number];

/** The keepalived actions of `PUT /1.0/vrrp/{action}`. */
export const VRRP_ACTIONS = ['start', 'stop', 'reload'] as const;
export type VrrpAction = (typeof VRRP_ACTIONS)[number];

/** What every action and upload answers on success. */
export interface AgentMessage {
  message: string;
  details?: string;
}

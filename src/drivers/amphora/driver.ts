import type { Amphora } from '../../models';
import type { AmphoraLoadBalancer } from './config/input';

export type { AmphoraLoadBalancer } from './config/input';

/** What an amphora says about itself (the agent's `GET /info`). */
export interface AmphoraInfo {
  hostname: string;
  haproxyVersion: string;
  /** The agent's API version. */
  apiVersion: string;
}

/** The agent's `GET /details`: what is running on the amphora. */
export interface AmphoraDiagnostics extends AmphoraInfo {
  /** Load balancer ids whose haproxy runs on the amphora. */
  loadBalancers: string[];
  /** Network interfaces the amphora has, by network id where known. */
  interfaces: string[];
  keepalived: 'running' | 'stopped' | 'absent';
}

/** Counters of one listener, as the amphora's haproxy reports them. */
export interface ListenerStats {
  listenerId: string;
  activeConnections: number;
  bytesIn: number;
  bytesOut: number;
  requestErrors: number;
  totalConnections: number;
}

/** The configuration an amphora runs now: the rendered text of each file, as last applied. */
export interface AppliedConfiguration {
  /** haproxy.cfg of the load balancer; absent when none was applied (no listeners yet). */
  haproxy?: string;
  /** keepalived.conf (ACTIVE_STANDBY only). */
  keepalived?: string;
  /** The networks plugged into the amphora, as `postNetworkPlug` told it. */
  networks: string[];
}

/** One amphora and its load balancer. */
export interface AmphoraRequest {
  amphora: Amphora;
  loadBalancer: AmphoraLoadBalancer;
}

/** A network newly attached to an amphora, for the agent to configure its interface. */
export interface NetworkPlugRequest {
  amphora: Amphora;
  networkId: string;
  /** The address the new interface got. */
  ipAddress?: string;
  macAddress?: string;
}

/**
 * The amphora driver interface (Octavia's `AmphoraLoadBalancerDriver`): talks to the agent inside a built amphora to
 * configure what it serves. The compute driver makes the amphora and the network driver plugs its ports; this one
 * makes it balance traffic.
 *
 * Contract for every implementation:
 * - Every configuring method is idempotent: applying the same configuration twice is the state of applying it once,
 *   and an undo is the same call with the previous configuration.
 * - A configuration is checked before it replaces the running one; a rejected one leaves the old one running and
 *   throws {@link AmphoraConfigRejectedError}-style errors from `./errors` (not retryable).
 * - An amphora that cannot be reached (its agent is down, it is being deleted) gives a retryable
 *   `AmphoraUnreachableError`.
 * - Drivers know nothing of Temporal.
 */
export abstract class AmphoraLoadBalancerDriver {
  /**
   * Renders the load balancer's listeners (haproxy's configuration) for this amphora from `loadBalancer.tree`,
   * checks it, and makes it the running configuration (a reload, or a start when none ran). A tree with no listener
   * left stops haproxy for the load balancer.
   *
   * @throws AmphoraConfigRejectedError when the amphora refuses the rendered configuration (the old one keeps running).
   * @throws AmphoraUnreachableError when the amphora's agent does not answer.
   *
   * Idempotent. Undone by calling it again with the previous tree.
   */
  abstract updateAmphoraListeners(request: AmphoraRequest): Promise<void>;

  /**
   * Reloads the load balancer's haproxy on the amphora without changing its configuration.
   *
   * @throws AmphoraUnreachableError; AmphoraConfigRejectedError when nothing was ever applied.
   *
   * Idempotent.
   */
  abstract reload(request: AmphoraRequest): Promise<void>;

  /**
   * Starts the load balancer's haproxy if it is not running (after an amphora restart).
   *
   * Idempotent: a running haproxy is left as it is.
   */
  abstract start(request: AmphoraRequest): Promise<void>;

  /**
   * What the amphora says about itself.
   *
   * @throws AmphoraUnreachableError.
   *
   * Nullipotent.
   */
  abstract getInfo(amphora: Amphora): Promise<AmphoraInfo>;

  /**
   * What runs on the amphora: load balancers, interfaces, keepalived.
   *
   * Nullipotent.
   */
  abstract getDiagnostics(amphora: Amphora): Promise<AmphoraDiagnostics>;

  /**
   * The configuration the amphora runs now, as last applied (diagnostics, and the tests' view of the data plane).
   *
   * Nullipotent.
   */
  abstract getConfiguration(amphora: Amphora): Promise<AppliedConfiguration>;

  /**
   * Traffic counters of each listener of the load balancer on this amphora.
   *
   * Nullipotent.
   */
  abstract getStats(request: AmphoraRequest): Promise<ListenerStats[]>;

  /**
   * Last steps after a build, before the amphora gets its VIP (Octavia's `finalize_amphora`).
   *
   * Idempotent.
   */
  abstract finalizeAmphora(amphora: Amphora): Promise<void>;

  /**
   * Tells the amphora about its VIP once the network driver plugged it: the agent configures the VIP interface and
   * routes (Octavia's `post_vip_plug`).
   *
   * Idempotent.
   */
  abstract postVipPlug(request: AmphoraRequest): Promise<void>;

  /**
   * Tells the amphora about a member network newly plugged into it (Octavia's `post_network_plug`).
   *
   * Idempotent.
   */
  abstract postNetworkPlug(request: NetworkPlugRequest): Promise<void>;

  /**
   * Tells the amphora a member network was unplugged from it, so the agent forgets its interface.
   *
   * Idempotent: a network it does not know is success.
   */
  abstract postNetworkUnplug(request: NetworkPlugRequest): Promise<void>;

  /**
   * Renders and applies keepalived's configuration for an ACTIVE_STANDBY amphora (its VRRP peer, priority, VIP).
   *
   * Idempotent.
   */
  abstract updateVrrpConfiguration(request: AmphoraRequest): Promise<void>;

  /**
   * Starts (or restarts) keepalived on an ACTIVE_STANDBY amphora.
   *
   * Idempotent.
   */
  abstract startVrrpService(request: AmphoraRequest): Promise<void>;
}

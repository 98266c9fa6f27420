/**
 * The local amphora driver: renders an amphora's haproxy and keepalived configuration and has its agent (see
 * `src/agent`) check and run it, over mutual TLS through the fabric. Mirrors the noop driver call by call; the
 * difference is that a real haproxy, keepalived and kernel do what the noop cloud only records.
 */
import {
  AGENT_PORT,
  type AgentDetails,
  type AgentInfo,
  type AgentStats,
  type PlugNetworkBody,
  type PlugVipBody,
} from '../../../agent/api';
import { amphoraName, type Amphora } from '../../../models';
import type { Dial } from '../../local/gateway/client';
import type { AbstractNetworkDriver } from '../../network/driver';
import { needsKeepalived, renderHaproxyConfig, renderKeepalivedConfig } from '../config';
import type { AmphoraPaths } from '../config/input';
import {
  AmphoraLoadBalancerDriver,
  type AmphoraDiagnostics,
  type AmphoraInfo,
  type AmphoraRequest,
  type AppliedConfiguration,
  type ListenerStats,
  type NetworkPlugRequest,
} from '../driver';
import {
  AmphoraConfigRejectedError,
  AmphoraDriverError,
  AmphoraNotConfiguredError,
  type AmphoraService,
} from '../errors';
import { checkHaproxyConfig } from '../noop/haproxy-check';
import { AgentClient, AgentRequestError, type AgentTarget } from './agent-client';
import { cidrHolds, reach, rendered } from './guards';
import type { LocalPki } from './pki';

/** What the local amphora driver is built from. */
export interface LocalAmphoraDriverOptions {
  /** Opens connections inside the fabric (the gateway's); the driver never dials from its own namespace. */
  dial: Dial;
  /** The controller's CA and client certificate. */
  pki: LocalPki;
  /** Where on the amphora the configuration puts haproxy's sockets and certificates: below the agent's state dir. */
  pathsOf(amphora: Amphora): AmphoraPaths;
  /**
   * Subnets and networks, for the prefix lengths and gateways of plugged addresses; the amphora's ports, for the
   * address and MAC of a network plugged into it when the request does not carry them.
   */
  network: Pick<AbstractNetworkDriver, 'getSubnet' | 'getNetwork' | 'getPluggedNetworks' | 'getPort'>;
  /** How long one agent call may take; 30 s by default (a keepalived stop waits for its exit). */
  timeoutMs?: number;
  /** How long the connect may take before the amphora counts as unreachable; 3 s by default. */
  connectTimeoutMs?: number;
  /** The agents' port; 9443 by default. */
  port?: number;
}

/** Expected refusals of a call: the statuses the agent uses for them, as the driver family's errors. */
interface Expected {
  /** A 400 is this service refusing the configuration. */
  rejects?: AmphoraService;
  /** A 404 is nothing configured for this service and operation. */
  notConfigured?: { service: AmphoraService; operation: string };
}

/**
 * An amphora driver whose amphorae run a real agent (`src/agent`), reached at `amphora.lbNetworkIp:9443` through
 * `options.dial`. Every call opens one mutual-TLS connection; the agent's certificate must name the amphora.
 * Renders exactly what the noop driver renders (with the amphora's own paths) and refuses the same trees; haproxy's
 * and keepalived's own checks run on the amphora before anything replaces the running configuration.
 */
export class LocalAmphoraDriver extends AmphoraLoadBalancerDriver {
  private readonly client: AgentClient;

  constructor(private readonly options: LocalAmphoraDriverOptions) {
    super();
    this.client = new AgentClient({
      dial: options.dial,
      pki: options.pki,
      port: options.port ?? AGENT_PORT,
      timeoutMs: options.timeoutMs ?? 30_000,
      connectTimeoutMs: options.connectTimeoutMs ?? 3000,
    });
  }

  override async updateAmphoraListeners(request: AmphoraRequest): Promise<void> {
    const { amphora, loadBalancer } = request;
    const target = reach(amphora);
    const paths = this.options.pathsOf(amphora);
    const text = rendered(amphora, 'haproxy', () => renderHaproxyConfig({ loadBalancer, amphora, paths }));
    // haproxy cannot see a listener whose pool is missing from the tree (the renderer leaves the reference out):
    // the noop driver's check of the tree refuses it, so both drivers refuse the same trees.
    const check = checkHaproxyConfig(text, loadBalancer.tree);
    if (!check.valid) throw new AmphoraConfigRejectedError(amphora.id, 'haproxy', check.output);
    const lb = encodeURIComponent(loadBalancer.id);
    if (check.frontends.length === 0) {
      // haproxy serving nothing is stopped, and its file dropped, as the noop agent does.
      await this.call(target, 'DELETE', `/loadbalancer/${lb}`);
      return;
    }
    await this.call(target, 'PUT', `/loadbalancer/${encodeURIComponent(amphora.id)}/${lb}/haproxy`, text, {
      rejects: 'haproxy',
    });
    await this.call(target, 'PUT', `/loadbalancer/${lb}/reload`);
  }

  override async reload(request: AmphoraRequest): Promise<void> {
    // As Octavia's agent does, a reload of a stopped haproxy starts it.
    await this.haproxyAction(request, 'reload');
  }

  override async start(request: AmphoraRequest): Promise<void> {
    await this.haproxyAction(request, 'start');
  }

  override async getInfo(amphora: Amphora): Promise<AmphoraInfo> {
    const info = await this.json<AgentInfo>(reach(amphora), 'GET', '/info');
    return { hostname: info.hostname, haproxyVersion: info.haproxy_version, apiVersion: info.api_version };
  }

  override async getDiagnostics(amphora: Amphora): Promise<AmphoraDiagnostics> {
    const details = await this.json<AgentDetails>(reach(amphora), 'GET', '/details');
    return {
      hostname: details.hostname,
      haproxyVersion: details.haproxy_version,
      apiVersion: details.api_version,
      loadBalancers: details.load_balancers,
      interfaces: [...(details.vip_network_id ? [details.vip_network_id] : []), ...details.networks],
      keepalived: details.keepalived,
    };
  }

  override async getConfiguration(amphora: Amphora): Promise<AppliedConfiguration> {
    const target = reach(amphora);
    const details = await this.json<AgentDetails>(target, 'GET', '/details');
    const configured = details.configured_load_balancers;
    // An amphora serves one load balancer; its own id picks it should an agent hold a stale one too.
    const lbId = configured.find((id) => id === amphora.loadBalancerId) ?? configured[0];
    const haproxy = lbId
      ? (await this.call(target, 'GET', `/loadbalancer/${encodeURIComponent(lbId)}/haproxy`)).body
      : undefined;
    const keepalived =
      details.keepalived === 'absent' ? undefined : (await this.call(target, 'GET', '/vrrp/config')).body;
    return {
      ...(haproxy !== undefined ? { haproxy } : {}),
      ...(keepalived !== undefined ? { keepalived } : {}),
      networks: details.networks,
    };
  }

  override async getStats(request: AmphoraRequest): Promise<ListenerStats[]> {
    const lb = encodeURIComponent(request.loadBalancer.id);
    const stats = await this.json<AgentStats>(reach(request.amphora), 'GET', `/loadbalancer/${lb}/stats`);
    return stats.listeners.map((entry) => ({
      listenerId: entry.listener_id,
      activeConnections: entry.active_connections,
      bytesIn: entry.bytes_in,
      bytesOut: entry.bytes_out,
      requestErrors: entry.request_errors,
      totalConnections: entry.total_connections,
    }));
  }

  override async finalizeAmphora(amphora: Amphora): Promise<void> {
    // Nothing to configure before the VIP (as in Octavia); asking proves the agent answers.
    await this.call(reach(amphora), 'GET', '/info');
  }

  override async postVipPlug(request: AmphoraRequest): Promise<void> {
    const { amphora, loadBalancer } = request;
    const target = reach(amphora);
    if (!amphora.vrrpIp) {
      throw new AmphoraDriverError(
        `Cannot plug the VIP of load balancer ${loadBalancer.id} into ${amphoraName(amphora.id)}: it has no VRRP address; allocate its VIP base port first`,
        { retryable: false },
      );
    }
    const subnet = await this.options.network.getSubnet(loadBalancer.vip.subnetId);
    const body: PlugVipBody = {
      subnet_cidr: subnet.cidr,
      vrrp_ip: amphora.vrrpIp,
      ...(subnet.gatewayIp ? { gateway: subnet.gatewayIp } : {}),
      // In ACTIVE_STANDBY keepalived puts the VIP on the MASTER only.
      add_vip: loadBalancer.topology === 'SINGLE',
      network_id: loadBalancer.vip.networkId,
    };
    await this.call(target, 'POST', `/plug/vip/${encodeURIComponent(loadBalancer.vip.ipAddress)}`, body);
  }

  override async postNetworkPlug(request: NetworkPlugRequest): Promise<void> {
    const target = reach(request.amphora);
    const { ipAddress, macAddress } = await this.portOf(request);
    const fixedIps = ipAddress
      ? [{ ip_address: ipAddress, subnet_cidr: await this.subnetOf(request.networkId, ipAddress) }]
      : [];
    const body: PlugNetworkBody = {
      ...(macAddress ? { mac_address: macAddress } : {}),
      fixed_ips: fixedIps,
      network_id: request.networkId,
    };
    await this.call(target, 'POST', '/plug/network', body);
  }

  override async postNetworkUnplug(request: NetworkPlugRequest): Promise<void> {
    const body = { network_id: request.networkId, ...(request.macAddress ? { mac_address: request.macAddress } : {}) };
    await this.call(reach(request.amphora), 'POST', '/unplug/network', body);
  }

  override async updateVrrpConfiguration(request: AmphoraRequest): Promise<void> {
    const { amphora, loadBalancer } = request;
    const target = reach(amphora);
    const input = { loadBalancer, amphora, paths: this.options.pathsOf(amphora) };
    if (!rendered(amphora, 'keepalived', () => needsKeepalived(input))) {
      // An amphora that needs no keepalived has it stopped and its file removed, as the noop agent does.
      await this.call(target, 'DELETE', '/vrrp');
      return;
    }
    const text = rendered(amphora, 'keepalived', () => renderKeepalivedConfig(input));
    await this.call(target, 'PUT', '/vrrp/upload', text, { rejects: 'keepalived' });
  }

  override async startVrrpService(request: AmphoraRequest): Promise<void> {
    await this.call(reach(request.amphora), 'PUT', '/vrrp/start', undefined, {
      notConfigured: { service: 'keepalived', operation: 'start' },
    });
  }

  private async haproxyAction(request: AmphoraRequest, action: 'start' | 'reload'): Promise<void> {
    const lb = encodeURIComponent(request.loadBalancer.id);
    await this.call(reach(request.amphora), 'PUT', `/loadbalancer/${lb}/${action}`, undefined, {
      notConfigured: { service: 'haproxy', operation: action },
    });
  }

  /**
   * The address and MAC of the amphora's interface on the request's network: the request's own, else the port the
   * network driver plugged (the workflow names only the network, as Octavia's flow hands the driver the port).
   */
  private async portOf(request: NetworkPlugRequest): Promise<{ ipAddress?: string; macAddress?: string }> {
    if ((request.ipAddress && request.macAddress) || !request.amphora.computeId) return request;
    const plugged = await this.options.network.getPluggedNetworks(request.amphora.computeId);
    const found = plugged.find(
      (iface) =>
        iface.networkId === request.networkId &&
        (!request.ipAddress || iface.fixedIps.some((fixed) => fixed.ipAddress === request.ipAddress)),
    );
    if (!found) return request;
    const port = await this.options.network.getPort(found.portId);
    return {
      ipAddress: request.ipAddress ?? found.fixedIps[0]?.ipAddress,
      macAddress: request.macAddress ?? port.macAddress,
    };
  }

  /** The CIDR of the subnet of `networkId` that holds `address`. */
  private async subnetOf(networkId: string, address: string): Promise<string> {
    const network = await this.options.network.getNetwork(networkId);
    for (const subnetId of network.subnetIds) {
      const subnet = await this.options.network.getSubnet(subnetId);
      if (cidrHolds(subnet.cidr, address)) return subnet.cidr;
    }
    throw new AmphoraDriverError(
      `Cannot plug network ${networkId} with address ${address}: none of its subnets (${network.subnetIds.join(', ') || 'none'}) contains it`,
      { retryable: false },
    );
  }

  private async json<T>(target: AgentTarget, method: string, path: string): Promise<T> {
    const { body } = await this.call(target, method, path);
    return JSON.parse(body) as T;
  }

  /** One agent call, with the refusals the caller expects turned into the driver family's errors. */
  private async call(target: AgentTarget, method: string, path: string, body?: unknown, expected: Expected = {}) {
    try {
      return await this.client.request(target, method, `/1.0${path}`, body);
    } catch (err) {
      if (!(err instanceof AgentRequestError)) throw err;
      if (err.status === 400 && expected.rejects) {
        throw new AmphoraConfigRejectedError(target.amphoraId, expected.rejects, err.details || err.agentMessage, {
          cause: err,
        });
      }
      if (err.status === 404 && expected.notConfigured) {
        const { service, operation } = expected.notConfigured;
        throw new AmphoraNotConfiguredError(target.amphoraId, service, operation, { cause: err });
      }
      throw err;
    }
  }
}

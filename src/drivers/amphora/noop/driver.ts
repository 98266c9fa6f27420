/** The noop amphora driver: a pretend agent per amphora, its state in the noop cloud, each call under the fault plan. */
import { amphoraName, type Amphora } from '../../../models';
import type { NoopCloud } from '../../noop/cloud';
import type { FaultInjector } from '../../noop/faults';
import { withFaults } from '../../noop/inject';
import type { AmphoraAgentRecord } from '../../noop/records';
import {
  AmphoraLoadBalancerDriver,
  type AmphoraDiagnostics,
  type AmphoraInfo,
  type AmphoraRequest,
  type AppliedConfiguration,
  type ListenerStats,
  type NetworkPlugRequest,
} from '../driver';
import { AmphoraDriverError, AmphoraNotConfiguredError, AmphoraUnreachableError } from '../errors';
import { liveAgents, reachAgent } from './agent';
import { applyListeners, applyVrrp, subjectOf } from './apply';

export interface NoopAmphoraOptions {
  /** Simulated latency of every agent call. */
  apiLatencyMs?: number;
  /**
   * Whether every call checks that the amphora's compute instance exists and is ACTIVE in the noop cloud (the
   * default). Off when the instances live elsewhere (Nova), where the noop cloud has no record of them.
   */
  checkInstance?: boolean;
}

/** The version strings the pretend agent reports. */
export const NOOP_AGENT_VERSIONS = { haproxyVersion: '2.6.12', apiVersion: '1.0' } as const;

/**
 * An amphora driver over the noop cloud: each amphora has a pretend agent whose configuration (rendered haproxy.cfg
 * and keepalived.conf), services and plugged networks live in the cloud's store, so that every worker process over
 * one SQLite file sees what another applied. It answers only while the amphora's instance is ACTIVE, refuses a
 * configuration that haproxy's own check would refuse, and fails on purpose when the fault plan says so.
 */
export class NoopAmphoraDriver extends AmphoraLoadBalancerDriver {
  private readonly checkInstance: boolean;

  constructor(
    private readonly cloud: NoopCloud,
    private readonly faults: FaultInjector,
    private readonly options: NoopAmphoraOptions = {},
  ) {
    super();
    this.checkInstance = options.checkInstance ?? true;
  }

  override async updateAmphoraListeners(request: AmphoraRequest): Promise<void> {
    await this.onAgent('updateAmphoraListeners', request, (agent) => applyListeners(agent, request));
  }

  override async reload(request: AmphoraRequest): Promise<void> {
    // As Octavia's agent does, a reload of a stopped haproxy starts it.
    await this.onAgent('reload', request, (agent) => this.startHaproxy(agent, 'reload'));
  }

  override async start(request: AmphoraRequest): Promise<void> {
    await this.onAgent('start', request, (agent) => this.startHaproxy(agent, 'start'));
  }

  override async getInfo(amphora: Amphora): Promise<AmphoraInfo> {
    return this.onAgent('getInfo', { amphora }, () => this.info(amphora));
  }

  override async getDiagnostics(amphora: Amphora): Promise<AmphoraDiagnostics> {
    return this.onAgent('getDiagnostics', { amphora }, (agent) => ({
      ...this.info(amphora),
      loadBalancers: agent.haproxyRunning && agent.loadBalancerId ? [agent.loadBalancerId] : [],
      interfaces: [...(agent.vipNetworkId ? [agent.vipNetworkId] : []), ...agent.networks],
      keepalived: agent.keepalived === undefined ? 'absent' : agent.keepalivedRunning ? 'running' : 'stopped',
    }));
  }

  override async getConfiguration(amphora: Amphora): Promise<AppliedConfiguration> {
    return this.onAgent('getConfiguration', { amphora }, (agent) => ({
      ...(agent.haproxy !== undefined ? { haproxy: agent.haproxy } : {}),
      ...(agent.keepalived !== undefined ? { keepalived: agent.keepalived } : {}),
      networks: [...agent.networks],
    }));
  }

  override async getStats(request: AmphoraRequest): Promise<ListenerStats[]> {
    return this.onAgent('getStats', request, (agent) =>
      agent.haproxyRunning && agent.loadBalancerId === request.loadBalancer.id
        ? agent.listenerIds.map((listenerId) => ({
            listenerId,
            activeConnections: 0,
            bytesIn: 0,
            bytesOut: 0,
            requestErrors: 0,
            totalConnections: 0,
          }))
        : [],
    );
  }

  override async finalizeAmphora(amphora: Amphora): Promise<void> {
    await this.onAgent('finalizeAmphora', { amphora }, (agent) => {
      agent.finalized = true;
    });
  }

  override async postVipPlug(request: AmphoraRequest): Promise<void> {
    await this.onAgent('postVipPlug', request, (agent) => {
      agent.vipNetworkId = request.loadBalancer.vip.networkId;
    });
  }

  override async postNetworkPlug(request: NetworkPlugRequest): Promise<void> {
    await this.onAgent('postNetworkPlug', request, (agent) => {
      if (!agent.networks.includes(request.networkId)) agent.networks.push(request.networkId);
    });
  }

  override async postNetworkUnplug(request: NetworkPlugRequest): Promise<void> {
    await this.onAgent('postNetworkUnplug', request, (agent) => {
      agent.networks = agent.networks.filter((networkId) => networkId !== request.networkId);
    });
  }

  override async updateVrrpConfiguration(request: AmphoraRequest): Promise<void> {
    await this.onAgent('updateVrrpConfiguration', request, (agent) => applyVrrp(agent, request));
  }

  override async startVrrpService(request: AmphoraRequest): Promise<void> {
    await this.onAgent('startVrrpService', request, (agent) => {
      if (agent.keepalived === undefined) throw new AmphoraNotConfiguredError(agent.amphoraId, 'keepalived', 'start');
      agent.keepalivedRunning = true;
    });
  }

  /**
   * What the pretend agents run now, one per amphora whose instance still exists: the noop data plane, for tests
   * and leak checks.
   *
   * Nullipotent.
   */
  agents(): AmphoraAgentRecord[] {
    return this.cloud.transact((tx) => liveAgents(tx, this.checkInstance));
  }

  private info(amphora: Amphora): AmphoraInfo {
    return { hostname: amphoraName(amphora.id), ...NOOP_AGENT_VERSIONS };
  }

  private startHaproxy(agent: AmphoraAgentRecord, operation: string): void {
    if (agent.haproxy === undefined) throw new AmphoraNotConfiguredError(agent.amphoraId, 'haproxy', operation);
    agent.haproxyRunning = true;
  }

  /**
   * Runs `body` on the amphora's agent in one transaction, under the fault plan. `body` reads or changes the agent's
   * record; a changed record is stored, an unchanged one is not (reads write nothing), and a throw stores nothing.
   */
  private async onAgent<T>(
    method: string,
    request: { amphora: Amphora; loadBalancer?: { id: string } },
    body: (agent: AmphoraAgentRecord) => T,
  ): Promise<T> {
    const { amphora } = request;
    const point = {
      faults: this.faults,
      method,
      subject: subjectOf(amphora, request.loadBalancer?.id),
      error: (message: string, retryable: boolean) => new AmphoraDriverError(message, { retryable }),
      latencyMs: this.options.apiLatencyMs ?? 0,
    };
    return withFaults(point, () => {
      const outcome = this.cloud.transact((tx) => {
        const reach = reachAgent(this.cloud, tx, amphora, this.checkInstance);
        if ('unreachable' in reach) return reach;
        const before = JSON.stringify(reach.agent);
        const value = body(reach.agent);
        if (JSON.stringify(reach.agent) !== before) tx.put('amphoraAgents', reach.agent.computeId, reach.agent);
        return { value };
      });
      if ('unreachable' in outcome) throw new AmphoraUnreachableError(amphora.id, outcome.unreachable);
      return outcome.value;
    });
  }
}

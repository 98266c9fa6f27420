/**
 * The fault plan over any amphora driver: the fault matrix fails the local data plane's amphora steps the way it
 * fails the noop driver's, around real agent calls (`after` means the agent did the work and the answer was lost).
 */
import type { Amphora } from '../../models';
import {
  AmphoraLoadBalancerDriver,
  type AmphoraDiagnostics,
  type AmphoraInfo,
  type AmphoraRequest,
  type AppliedConfiguration,
  type ListenerStats,
  type NetworkPlugRequest,
} from '../amphora/driver';
import { AmphoraDriverError } from '../amphora/errors';
import { subjectOf } from '../amphora/noop/apply';
import type { FaultInjector } from '../noop/faults';
import { withFaults } from '../noop/inject';

/** Runs every call of `inner` under the fault plan, as the noop amphora driver runs its own. */
export class FaultyAmphoraDriver extends AmphoraLoadBalancerDriver {
  constructor(
    readonly inner: AmphoraLoadBalancerDriver,
    private readonly faults: FaultInjector,
  ) {
    super();
  }

  override updateAmphoraListeners(request: AmphoraRequest): Promise<void> {
    return this.call('updateAmphoraListeners', request, () => this.inner.updateAmphoraListeners(request));
  }
  override reload(request: AmphoraRequest): Promise<void> {
    return this.call('reload', request, () => this.inner.reload(request));
  }
  override start(request: AmphoraRequest): Promise<void> {
    return this.call('start', request, () => this.inner.start(request));
  }
  override getInfo(amphora: Amphora): Promise<AmphoraInfo> {
    return this.call('getInfo', { amphora }, () => this.inner.getInfo(amphora));
  }
  override getDiagnostics(amphora: Amphora): Promise<AmphoraDiagnostics> {
    return this.call('getDiagnostics', { amphora }, () => this.inner.getDiagnostics(amphora));
  }
  override getConfiguration(amphora: Amphora): Promise<AppliedConfiguration> {
    return this.call('getConfiguration', { amphora }, () => this.inner.getConfiguration(amphora));
  }
  override getStats(request: AmphoraRequest): Promise<ListenerStats[]> {
    return this.call('getStats', request, () => this.inner.getStats(request));
  }
  override finalizeAmphora(amphora: Amphora): Promise<void> {
    return this.call('finalizeAmphora', { amphora }, () => this.inner.finalizeAmphora(amphora));
  }
  override postVipPlug(request: AmphoraRequest): Promise<void> {
    return this.call('postVipPlug', request, () => this.inner.postVipPlug(request));
  }
  override postNetworkPlug(request: NetworkPlugRequest): Promise<void> {
    return this.call('postNetworkPlug', request, () => this.inner.postNetworkPlug(request));
  }
  override postNetworkUnplug(request: NetworkPlugRequest): Promise<void> {
    return this.call('postNetworkUnplug', request, () => this.inner.postNetworkUnplug(request));
  }
  override updateVrrpConfiguration(request: AmphoraRequest): Promise<void> {
    return this.call('updateVrrpConfiguration', request, () => this.inner.updateVrrpConfiguration(request));
  }
  override startVrrpService(request: AmphoraRequest): Promise<void> {
    return this.call('startVrrpService', request, () => this.inner.startVrrpService(request));
  }

  private call<T>(
    method: string,
    request: { amphora: Amphora; loadBalancer?: { id: string } },
    effect: () => Promise<T>,
  ): Promise<T> {
    return withFaults(
      {
        faults: this.faults,
        method,
        subject: subjectOf(request.amphora, request.loadBalancer?.id),
        error: (message, retryable) => new AmphoraDriverError(message, { retryable }),
        latencyMs: 0,
      },
      effect,
    );
  }
}

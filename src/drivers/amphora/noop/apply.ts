/** What the pretend agent does with a configuration: render it, check it, and swap it in, or keep the old one. */
import { amphoraName, type Amphora } from '../../../models';
import type { AmphoraAgentRecord } from '../../noop/records';
import { needsKeepalived, renderHaproxyConfig, renderKeepalivedConfig, UnrenderableValueError } from '../config';
import type { AmphoraRequest } from '../driver';
import { AmphoraConfigRejectedError, type AmphoraService } from '../errors';
import { checkHaproxyConfig } from './haproxy-check';

/** Renders with `render`; a value the renderer refuses is the amphora's refusal of the configuration. */
function rendered(amphora: Amphora, service: AmphoraService, render: () => string): string {
  try {
    return render();
  } catch (err) {
    if (err instanceof UnrenderableValueError)
      throw new AmphoraConfigRejectedError(amphora.id, service, err.message, { cause: err });
    throw err;
  }
}

/**
 * Renders haproxy.cfg from the request's tree, checks it, and makes it the agent's running configuration. A file
 * without a frontend (no listener served) stops haproxy, which would not start on it, and is not kept.
 *
 * @throws AmphoraConfigRejectedError when the renderer or the check refuses it; the agent is left as it was.
 */
export function applyListeners(agent: AmphoraAgentRecord, request: AmphoraRequest): void {
  const { loadBalancer, amphora } = request;
  const text = rendered(amphora, 'haproxy', () => renderHaproxyConfig({ loadBalancer, amphora }));
  const check = checkHaproxyConfig(text, loadBalancer.tree);
  if (!check.valid) throw new AmphoraConfigRejectedError(amphora.id, 'haproxy', check.output);
  agent.loadBalancerId = loadBalancer.id;
  agent.listenerIds = check.frontends;
  agent.haproxyRunning = check.frontends.length > 0;
  if (agent.haproxyRunning) agent.haproxy = text;
  else delete agent.haproxy;
}

/**
 * Renders keepalived.conf (VRRP in ACTIVE_STANDBY, LVS for UDP and SCTP listeners) and stores it; a running
 * keepalived keeps running on the new file. An amphora that needs no keepalived has it stopped and its file removed.
 *
 * @throws AmphoraConfigRejectedError when the renderer refuses it (a MASTER or BACKUP without its VRRP address).
 */
export function applyVrrp(agent: AmphoraAgentRecord, request: AmphoraRequest): void {
  const { loadBalancer, amphora } = request;
  if (!needsKeepalived({ loadBalancer, amphora })) {
    delete agent.keepalived;
    agent.keepalivedRunning = false;
    return;
  }
  agent.keepalived = rendered(amphora, 'keepalived', () => renderKeepalivedConfig({ loadBalancer, amphora }));
}

/** What the fault plan and error messages call the amphora a call is about. */
export function subjectOf(amphora: Amphora, loadBalancerId?: string): string {
  const name = amphoraName(amphora.id);
  return loadBalancerId ? `${name} (load balancer ${loadBalancerId})` : name;
}

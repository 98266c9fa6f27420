/** What the local driver checks before it talks to an agent: that there is one to reach, and what it renders. */
import { BlockList, isIP } from 'node:net';
import type { Amphora } from '../../../models';
import { UnrenderableValueError } from '../config';
import { AmphoraConfigRejectedError, AmphoraUnreachableError, type AmphoraService } from '../errors';
import type { AgentTarget } from './agent-client';

/**
 * The agent of `amphora`, or why it cannot be reached before any connection is tried.
 *
 * @throws AmphoraUnreachableError for an amphora being deleted or without a management address.
 */
export function reach(amphora: Amphora): AgentTarget {
  if (amphora.status === 'PENDING_DELETE' || amphora.status === 'DELETED') {
    throw new AmphoraUnreachableError(amphora.id, `it is being deleted (status ${amphora.status})`);
  }
  if (!amphora.lbNetworkIp) {
    throw new AmphoraUnreachableError(amphora.id, 'it has no management address yet (lbNetworkIp is not set)');
  }
  return { amphoraId: amphora.id, address: amphora.lbNetworkIp };
}

/**
 * Renders with `render`; a value the renderer refuses is the amphora's refusal of the configuration.
 *
 * @throws AmphoraConfigRejectedError (not retryable) with the renderer's reason.
 */
export function rendered<T>(amphora: Amphora, service: AmphoraService, render: () => T): T {
  try {
    return render();
  } catch (err) {
    if (err instanceof UnrenderableValueError) {
      throw new AmphoraConfigRejectedError(amphora.id, service, err.message, { cause: err });
    }
    throw err;
  }
}

/** Whether `cidr` holds `address` (IPv4 or IPv6). */
export function cidrHolds(cidr: string, address: string): boolean {
  const [base = '', bits = ''] = cidr.split('/');
  const family = isIP(base);
  if (family === 0 || isIP(address) !== family || !/^\d+$/.test(bits)) return false;
  const type = family === 6 ? 'ipv6' : 'ipv4';
  const list = new BlockList();
  list.addSubnet(base, Number(bits), type);
  return list.check(address, type);
}

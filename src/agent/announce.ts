/**
 * Gratuitous ARP for a VIP the agent owns (SINGLE topology): when a replacement amphora takes a VIP over, its
 * neighbours still send to the old amphora's MAC address until their caches expire (tens of seconds). keepalived
 * announces the VIP it moves in ACTIVE_STANDBY; without keepalived the agent does it, with iputils' `arping -U`.
 */
import { spawn } from 'node:child_process';
import type { AgentLogger } from './log';

/**
 * Announces `address` on `interfaceName` twice (the second one covers a neighbour that missed the first), without
 * waiting for it: the announcement must not delay the agent's answer. A machine without `arping` is logged once and
 * left to its neighbours' cache timeouts.
 */
export function announceAddress(address: string, interfaceName: string, log: AgentLogger): void {
  const child = spawn('arping', ['-U', '-c', '2', '-w', '2', '-I', interfaceName, address], { stdio: 'ignore' });
  child.on('error', (err) => {
    if (!warned) log.warn({ address, err: err.message }, 'cannot announce the VIP (is iputils-arping installed?)');
    warned = true;
  });
  child.unref();
}

let warned = false;

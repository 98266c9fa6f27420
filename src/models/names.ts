/**
 * The deterministic names this service gives what it creates. A retried create finds the resource by name instead
 * of making a second one, a compensation finds what a lost response never reported, and the orphan sweeper lists
 * candidates by prefix (a name alone never makes a resource ours: see `ownership.ts`).
 */

/** A compute instance carrying amphora `amphoraId`. */
export const amphoraName = (amphoraId: string): string => `amphora-${amphoraId}`;
/** The VIP port of a load balancer. */
export const vipPortName = (loadBalancerId: string): string => `octavia-lb-${loadBalancerId}`;
/** An amphora's base port on the VIP network, which carries the VIP as an allowed address. */
export const vrrpPortName = (amphoraId: string): string => `octavia-lb-vrrp-${amphoraId}`;
/** The security group in front of a load balancer's VIP. */
export const vipSecurityGroupName = (loadBalancerId: string): string => `lb-${loadBalancerId}`;
/** The anti-affinity server group of an ACTIVE_STANDBY load balancer. */
export const serverGroupName = (loadBalancerId: string): string => `octavia-lb-${loadBalancerId}`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The id that a name of ours carries after `prefix`, when the rest is a UUID (the ids this service gives); undefined
 * for any other name, such as a tenant's `lb-web`.
 */
export function idAfter(prefix: string, name: string): string | undefined {
  const rest = name.startsWith(prefix) ? name.slice(prefix.length) : '';
  return UUID.test(rest) ? rest : undefined;
}

import type { Amphora, AmphoraLoadBalancer } from '../../../models';

export type { AmphoraLoadBalancer } from '../../../models';

/** Where, on the amphora, the rendered configuration refers to files and sockets. */
export interface AmphoraPaths {
  /** haproxy's state and stats socket directory, per load balancer: `<base>/<loadBalancerId>/`. */
  base: string;
  /** PEM bundles of TERMINATED_HTTPS listeners and TLS pools: `<certs>/<loadBalancerId>/<ref-hash>.pem`. */
  certs: string;
}

/** What one amphora is rendered for. */
export interface AmphoraConfigInput {
  loadBalancer: AmphoraLoadBalancer;
  /** The amphora the configuration is for (its role and addresses decide keepalived's part). */
  amphora: Amphora;
  paths?: Partial<AmphoraPaths>;
}

/** The defaults of {@link AmphoraPaths}: Octavia's amphora agent's layout. */
export const DEFAULT_AMPHORA_PATHS: AmphoraPaths = {
  base: '/var/lib/octavia',
  certs: '/var/lib/octavia/certs',
};

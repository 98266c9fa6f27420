import { serve, type ServerType } from '@hono/node-server';
import type { Client } from '@temporalio/client';
import type { AppConfig } from '../../config';
import type { NoopCloud } from '../../drivers/noop/cloud';
import { OpenStackSession } from '../../drivers/openstack/session';
import type { Logger } from '../../logger';
import { LoadBalancerController } from '../load-balancers';
import { requireApiTokens } from '../settings';
import { createApiApp } from './app';
import { CatalogController } from '../catalog';
import type { HeartbeatSource } from '../health/data-plane';
import type { NetworkLookups, StatsReader } from './context';
import { KeystoneAuthenticator } from './keystone-auth';

/** A running API server. */
export interface ApiServer {
  url: string;
  close(): Promise<void>;
}

/** What the API server takes besides the configuration, the Temporal client and the logger. */
export interface ApiServerOptions {
  /** The port to listen on instead of AMPHORA_API_LISTEN's (0: any free port). */
  port?: number;
  /** With the noop network driver: the pretend cloud whose networks the Neutron lookups answer from. */
  noopCloud?: NoopCloud;
  /** Where a create's VIP subnet, network or port is looked up before anything starts. */
  network?: NetworkLookups;
  /** Where statistics are read from the amphorae when there are no heartbeats. */
  stats?: StatsReader;
  /** The amphorae's last heartbeats: operating statuses and statistics then come from the data plane. */
  heartbeats?: HeartbeatSource;
}

/**
 * Serves the REST API on the configured address. It never blocks on an operation: every request returns once
 * Temporal has accepted it (the seed's 200 ms rule); clients poll for progress.
 *
 * @throws ConfigError when token auth is configured without tokens.
 */
export async function startApiServer(
  config: AppConfig,
  client: Client,
  logger: Logger,
  options: ApiServerOptions = {},
): Promise<ApiServer> {
  const { port, noopCloud, network, stats, heartbeats } = options;
  const settings = config.controller;
  requireApiTokens(settings);
  if (settings.api.auth.mode === 'noauth') {
    logger.warn(
      { auth: 'noauth' },
      'AMPHORA_API_AUTH=noauth: every caller is an operator with full access; use only on a trusted host',
    );
  }
  if (!network) {
    logger.warn({}, 'no network lookups: the VIP a create names is checked only when the operation runs');
  }
  const controller = new LoadBalancerController(client, config.taskQueue, {
    workerWaitMs: settings.api.workerWaitMs,
  });
  const { auth } = settings.api;
  // Keystone mode: the service user's session validates the tokens clients present.
  let identity: OpenStackSession | undefined;
  let keystone: KeystoneAuthenticator | undefined;
  if (auth.mode === 'keystone') {
    identity = new OpenStackSession(auth.identity, { logger });
    keystone = new KeystoneAuthenticator(identity, { policy: auth.policy, cacheTtlMs: auth.cacheTtlMs, logger });
  }
  const catalog = new CatalogController(client, config.taskQueue, { workerWaitMs: settings.api.workerWaitMs * 5 });
  const app = createApiApp({ controller, settings, logger, noopCloud, network, keystone, catalog, stats, heartbeats });
  const server: ServerType = await new Promise((resolve, reject) => {
    const started = serve({ fetch: app.fetch, hostname: settings.api.host, port: port ?? settings.api.port }, () =>
      resolve(started),
    );
    started.once('error', reject);
  });
  const address = server.address();
  const boundPort = address && typeof address === 'object' ? address.port : settings.api.port;
  const url = `http://${settings.api.host.includes(':') ? `[${settings.api.host}]` : settings.api.host}:${boundPort}`;
  logger.info({ url, auth: settings.api.auth.mode, taskQueue: config.taskQueue }, 'api server listening');
  return {
    url,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      identity?.close();
    },
  };
}

#!/usr/bin/env node
import { openHeartbeatStore } from './controller/health/store';
import { runHealthListener } from './controller/health/run-listener';
import { Command, CommanderError } from 'commander';
import { ConfigError, loadConfig } from './config';
import { startApiServer } from './controller/api/server';
import { z } from 'zod';
import { EncryptionCodec } from './codec';
import { connectClient } from './controller/client';
import { startTracing } from './tracing';
import { startCodecServer } from './controller/codec-server';
import { parseEnv } from './env';
import { printableLines } from './controller/printable';
import { amphoraCommands } from './controller/cli/amphora-commands';
import { loadBalancerCommands } from './controller/cli/lb-commands';
import { ControllerError } from './controller/errors';
import { createDrivers, type NoopDrivers } from './drivers';
import { createLogger, installTemporalLogging } from './logger';
import { registerSweeperCommands } from './controller/cli/sweeper-commands';
import { startWorker } from './worker';

/** Prints one clear line and exits non-zero: the CLI never dumps a stack trace at a user. */
function fail(err: unknown): never {
  // The outer message says what failed, the causes why ("Failed to start Workflow: ... no mapping for ...").
  const messages: string[] = [];
  const complete = err instanceof ControllerError || err instanceof ConfigError;
  let current: unknown = err;
  while (current instanceof Error) {
    const text = current.message;
    if (text && !messages.some((seen) => seen.includes(text))) messages.push(text);
    current = complete ? undefined : current.cause;
  }
  if (messages.length === 0) messages.push(typeof err === 'string' ? err : 'unexpected failure');
  const message = messages.join(': ');
  process.stderr.write(`amphora: ${printableLines(message)}\n`);
  process.exit(err instanceof ConfigError ? 2 : 1);
}

/** Resolves on SIGINT or SIGTERM. */
const stopSignal = () =>
  new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });

/** Where the codec server listens, and the Web UI origins it answers. */
const CodecServerEnv = z.object({
  AMPHORA_CODEC_LISTEN: z
    .string()
    .regex(/^[A-Za-z0-9.-]+:\d{1,5}$/, 'expected host:port, for example 127.0.0.1:8888')
    .default('127.0.0.1:8888'),
  AMPHORA_CODEC_UI_ORIGINS: z.string().min(1).default('http://127.0.0.1:8233,http://localhost:8233'),
});

const program = new Command()
  .name('amphora')
  .description('Control plane for load-balancer amphorae, orchestrated by Temporal workflows.')
  .showHelpAfterError('(run amphora --help for usage)');

program
  .command('worker')
  .description(
    'Run a worker: executes the load-balancer workflows and their activities on AMPHORA_TASK_QUEUE, with the drivers that AMPHORA_COMPUTE_DRIVER and AMPHORA_NETWORK_DRIVER select. Stops cleanly on SIGINT/SIGTERM.',
  )
  .action(async () => {
    const config = loadConfig();
    const logger = createLogger(config.logLevel);
    installTemporalLogging(logger, { metricsListen: config.worker.metricsListen });
    const tracing = config.tracing ? startTracing(config.tracing, 'amphora-worker', logger) : undefined;
    const worker = await startWorker(config, logger, { tracing });
    await worker.done;
    await tracing?.shutdown();
  });

program
  .command('server')
  .description(
    'Serve the Octavia v2-compatible REST API on AMPHORA_API_LISTEN (127.0.0.1:9876), checking X-Auth-Token against AMPHORA_API_TOKENS, or with Keystone when AMPHORA_API_AUTH=keystone (the OS_* service user validates it). Stops on SIGINT/SIGTERM.',
  )
  .action(async () => {
    const config = loadConfig();
    const logger = createLogger(config.logLevel);
    const tracing = config.tracing ? startTracing(config.tracing, 'amphora-api', logger) : undefined;
    // Its Temporal calls go through the SDK's native connection, whose log lines join ours.
    installTemporalLogging(logger);
    const { client, close } = await connectClient(config, tracing);
    // With noop networking there is no Neutron: answer its lookups from the noop cloud (share AMPHORA_NOOP_STATE
    // with the workers to see their ports too).
    // What a create names for its VIP is looked up before anything starts: in the noop cloud, or in Neutron.
    const drivers = await createDrivers(config.drivers);
    const noopCloud = (drivers as Partial<NoopDrivers>).cloud;
    // With heartbeats on, operating statuses and statistics come from the amphorae's last heartbeats.
    const heartbeats = config.health ? openHeartbeatStore(config.health.storeFile) : undefined;
    const server = await startApiServer(config, client, logger, {
      noopCloud,
      network: drivers.network,
      stats: drivers.amphora,
      ...(heartbeats && config.health
        ? { heartbeats: { store: heartbeats, timeoutMs: config.health.manager.heartbeatTimeoutMs } }
        : {}),
    });
    process.stderr.write(`amphora: API listening on ${server.url} (Octavia v2 under /v2 and /v2.0)\n`);
    await stopSignal();
    await server.close();
    drivers.close();
    heartbeats?.close();
    await close();
    await tracing?.shutdown();
  });

program
  .command('health-listener')
  .description(
    "Receive the amphorae's heartbeats on AMPHORA_HEALTH_LISTEN (0.0.0.0:5555): each is checked against AMPHORA_HEARTBEAT_KEY and recorded in AMPHORA_HEALTH_STORE, which the workers' health manager reads. Run one or several, on hosts that share the store. Stops on SIGINT/SIGTERM.",
  )
  .action(async () => {
    await runHealthListener();
  });

program
  .command('codec-server')
  .description(
    'Serve the codec endpoint (POST /decode, /encode) on AMPHORA_CODEC_LISTEN (127.0.0.1:8888), so that the Temporal UI (--ui-codec-endpoint) shows the payloads AMPHORA_CODEC_KEYS encrypts. Only for operators: it decrypts for whoever reaches it.',
  )
  .action(async () => {
    const config = loadConfig();
    const settings = parseEnv(CodecServerEnv, process.env);
    if (!config.codecKeys)
      throw new ConfigError('amphora codec-server needs AMPHORA_CODEC_KEYS or AMPHORA_CODEC_KEY_FILE', [
        'AMPHORA_CODEC_KEYS',
      ]);
    const [host, port] = [
      settings.AMPHORA_CODEC_LISTEN.replace(/:\d+$/, ''),
      Number(/:(\d+)$/.exec(settings.AMPHORA_CODEC_LISTEN)?.[1]),
    ];
    const server = await startCodecServer(new EncryptionCodec(config.codecKeys), {
      host,
      port,
      uiOrigins: settings.AMPHORA_CODEC_UI_ORIGINS.split(','),
    });
    process.stderr.write(`amphora: codec server listening on ${server.url} (use --ui-codec-endpoint ${server.url})\n`);
    await stopSignal();
    await server.close();
  });

program.addCommand(loadBalancerCommands());
program.addCommand(amphoraCommands());
registerSweeperCommands(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  if (err instanceof CommanderError) process.exit(err.exitCode);
  fail(err);
});

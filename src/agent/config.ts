/** The agent's configuration, read from its config drive at start: where to listen, who it is, its certificates. */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { isAbsolute, join } from 'node:path';
import { z } from 'zod';

/** `<config-drive>/etc/octavia/amphora-agent.json`. */
export const AgentFileSchema = z.object({
  amphoraId: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, "_", "." or "-"'),
  bindHost: z
    .string()
    .refine((host) => isIP(host) !== 0, 'an IP address: the agent listens on its management address only'),
  bindPort: z.number().int().min(1).max(65535),
  stateDir: z.string().refine(isAbsolute, 'an absolute path'),
  /** Heartbeats to the health managers (Octavia's `[health_manager]` section); none are sent without it. */
  heartbeat: z
    .object({
      key: z.string().min(1, 'the shared heartbeat key'),
      intervalMs: z.number().int().min(100).max(600_000),
      destinations: z
        .array(z.string().regex(/^[0-9.]+:\d{1,5}$/, 'host:port, an IPv4 address and a port'))
        .min(1, 'at least one health manager'),
    })
    .optional(),
});
export type AgentFile = z.infer<typeof AgentFileSchema>;

/** Everything the agent needs to run. The key is kept out of logs by never logging this object. */
export interface AgentConfig extends AgentFile {
  /** server.pem: the amphora's certificate and key, PEM. */
  serverPem: string;
  /** client_ca.pem: the CA whose client certificates the agent accepts (the controller's). */
  clientCaPem: string;
}

/** Where on the config drive the agent's files are. */
export const CONFIG_DRIVE_PATHS = {
  agent: 'etc/octavia/amphora-agent.json',
  serverPem: 'etc/octavia/certs/server.pem',
  clientCa: 'etc/octavia/certs/client_ca.pem',
} as const;

/**
 * Reads the agent's configuration from the config drive mounted at `configDrive`.
 *
 * @throws Error naming the file and field that is missing or wrong.
 */
export function loadAgentConfig(configDrive: string): AgentConfig {
  const file = join(configDrive, CONFIG_DRIVE_PATHS.agent);
  const parsed = AgentFileSchema.safeParse(JSON.parse(readText(file)));
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new Error(`Invalid agent configuration ${file}: ${issues.join('; ')}`);
  }
  return {
    ...parsed.data,
    serverPem: readText(join(configDrive, CONFIG_DRIVE_PATHS.serverPem)),
    clientCaPem: readText(join(configDrive, CONFIG_DRIVE_PATHS.clientCa)),
  };
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`Cannot read ${path}: ${(err as Error).message}; is the config drive complete?`, { cause: err });
  }
}

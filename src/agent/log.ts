/** The agent's log: JSON lines on stdout (the compute driver sends them to `state/agent.log`). */
import pino from 'pino';

export type AgentLogger = pino.Logger;

/**
 * A logger naming the amphora on every line. Nothing the agent logs carries a key or a configuration body; the
 * redaction is a second line of defence.
 */
export function createAgentLogger(amphoraId: string | undefined, destination = pino.destination(1)): AgentLogger {
  return pino(
    {
      base: { pid: process.pid, ...(amphoraId ? { amphoraId } : {}) },
      redact: { paths: ['serverPem', 'key', '*.serverPem', '*.key'], censor: '[redacted]' },
    },
    destination,
  );
}

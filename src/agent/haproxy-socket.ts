/** Talking to haproxy over its Unix sockets: the master CLI (`-S`) and the stats socket. */
import { connect } from 'node:net';

/** Errors that mean "not listening yet": the master re-execs on reload and its socket is briefly gone. */
const TRANSIENT = new Set(['ECONNREFUSED', 'ENOENT', 'ECONNRESET', 'EPIPE']);

function queryOnce(path: string, command: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ path });
    let answer = '';
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`no answer on ${path} within ${timeoutMs} ms`)));
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.once('error', reject);
    socket.once('end', () => resolve(answer));
    // The master CLI answers only once the client half-closes (FINDINGS gotcha 4).
    socket.end(`${command}\n`);
  });
}

/**
 * Sends one command to a haproxy CLI socket and returns its answer, retrying while the socket is not there or
 * refuses (a master in the middle of a reload) until `timeoutMs` has passed.
 *
 * @throws the last socket error when it never answered.
 */
export async function haproxyCommand(path: string, command: string, timeoutMs = 3000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await queryOnce(path, command, Math.max(100, deadline - Date.now()));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? '';
      if (!TRANSIENT.has(code) || Date.now() >= deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}

/** The master's line of `show proc`: how many reloads it did and how many failed. */
export interface MasterProcess {
  reloads: number;
  failed: number;
  /** Pids of the current workers (not the old ones still finishing their connections). */
  workers: number[];
}

/**
 * Parses the master CLI's `show proc` (haproxy 2.6):
 * ```
 * #<PID>  <type>  <reloads>  <uptime>  <version>
 * 3157    master  1 [failed: 0]  ...
 * # workers
 * 3290    worker  0  ...
 * # old workers
 * ```
 */
export function parseShowProc(text: string): MasterProcess | undefined {
  const master = /^\d+\s+master\s+(\d+)(?:\s+\[failed:\s*(\d+)\])?/m.exec(text);
  if (!master) return undefined;
  const workers: number[] = [];
  let section = '';
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) section = line.trim();
    const worker = /^(\d+)\s+worker\b/.exec(line);
    if (worker && section === '# workers') workers.push(Number(worker[1]));
  }
  return { reloads: Number(master[1]), failed: Number(master[2] ?? 0), workers };
}

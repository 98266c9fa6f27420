/** Small socket helpers for the local data-plane tests. */
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Reads a socket to its end. */
export function readAll(socket: Socket): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
    socket.once('end', () => resolve(text));
    socket.once('error', reject);
  });
}

/** A TCP server on 127.0.0.1 (loopback only: never a fabric address). */
export interface LoopbackServer {
  readonly port: number;
  /** Connections accepted so far. */
  accepted(): number;
  /** Closes the server and destroys its open connections. */
  close(): Promise<void>;
}

/** Starts a {@link LoopbackServer} on a free port. */
export async function loopbackServer(onConnection: (socket: Socket) => void): Promise<LoopbackServer> {
  const open = new Set<Socket>();
  let accepted = 0;
  const server: Server = createServer({ allowHalfOpen: true }, (socket) => {
    accepted += 1;
    open.add(socket);
    socket.once('close', () => open.delete(socket));
    socket.on('error', () => socket.destroy());
    onConnection(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    accepted: () => accepted,
    close: () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of open) socket.destroy();
      return closed;
    },
  };
}

/** A fresh temp dir, and a function that removes it. */
export function tempDir(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Milliseconds `fn` took, with its result or error. */
export async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; result?: T; error?: unknown }> {
  const start = performance.now();
  try {
    const result = await fn();
    return { ms: performance.now() - start, result };
  } catch (error) {
    return { ms: performance.now() - start, error };
  }
}

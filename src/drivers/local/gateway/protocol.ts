/**
 * The gateway's wire protocol, shared by the server and the client: an HTTP/1.1 CONNECT head one way, a status
 * head the other, then raw bytes. HTTP was chosen so that the socket can be inspected with ordinary tools.
 *
 * Request:  `CONNECT 203.0.113.5:80 HTTP/1.1\r\nConnect-Timeout: 300\r\n\r\n`
 * Answer:   `HTTP/1.1 200 Connection Established\r\n\r\n`, or an error status with `Gateway-Error-Code` (ECONNREFUSED,
 *           ETIMEDOUT, ...) and a `Gateway-Error` line in words, after which the gateway closes the connection.
 */
import type { Readable } from 'node:stream';

/** The request header carrying the caller's connect timeout in milliseconds. */
export const CONNECT_TIMEOUT_HEADER = 'connect-timeout';
/** The answer header carrying a machine-readable cause (an errno code, or NOT_ALLOWED / BAD_REQUEST). */
export const ERROR_CODE_HEADER = 'gateway-error-code';
/** The answer header carrying the cause in words. */
export const ERROR_TEXT_HEADER = 'gateway-error';
/** A head longer than this is not a CONNECT request; it is refused rather than buffered without bound. */
export const MAX_HEAD_BYTES = 8 * 1024;

/** A parsed head: its first line and its headers (names lower-cased). */
export interface Head {
  readonly line: string;
  readonly headers: ReadonlyMap<string, string>;
}

/** Formats the CONNECT request for `host:port`. */
export function formatConnect(host: string, port: number, timeoutMs: number): string {
  return `CONNECT ${host}:${port} HTTP/1.1\r\nHost: ${host}:${port}\r\nConnect-Timeout: ${timeoutMs}\r\n\r\n`;
}

/** Formats an answer head; `error` adds the two error headers. */
export function formatAnswer(status: number, phrase: string, error?: { code: string; text: string }): string {
  const lines = [`HTTP/1.1 ${status} ${phrase}`];
  // Header values must stay on one line, whatever an errno message contains.
  const oneLine = (s: string): string => s.replace(/[\r\n]+/g, ' ');
  if (error) lines.push(`Gateway-Error-Code: ${oneLine(error.code)}`, `Gateway-Error: ${oneLine(error.text)}`);
  return `${lines.join('\r\n')}\r\n\r\n`;
}

/** Splits `CONNECT host:port HTTP/1.1` into its destination, or returns undefined when the line is malformed. */
export function parseConnectLine(line: string): { host: string; port: number } | undefined {
  const match = /^CONNECT (\S+):(\d{1,5}) HTTP\/1\.[01]$/.exec(line);
  if (!match) return undefined;
  const port = Number(match[2]);
  return port >= 1 && port <= 65535 ? { host: match[1] ?? '', port } : undefined;
}

/** Splits `HTTP/1.1 200 Connection Established` into its status, or returns undefined. */
export function parseStatusLine(line: string): number | undefined {
  const match = /^HTTP\/1\.[01] (\d{3})(?: |$)/.exec(line);
  return match ? Number(match[1]) : undefined;
}

/**
 * Reads one head (up to the blank line) from `stream`, and puts back whatever followed it, so that bytes the peer
 * sent right behind the head (a server that speaks first, a pipelined request) reach the next reader.
 * Resolves undefined when the stream ends or grows past {@link MAX_HEAD_BYTES} first.
 */
export function readHead(stream: Readable): Promise<Head | undefined> {
  return new Promise((resolve) => {
    let buffered = Buffer.alloc(0);
    const finish = (head: Head | undefined): void => {
      stream.removeListener('readable', onReadable);
      stream.removeListener('end', onEnd);
      stream.removeListener('close', onEnd);
      resolve(head);
    };
    const onEnd = (): void => finish(undefined);
    // 'readable' and read() rather than 'data': the stream stays paused, so nothing is lost between finding the end
    // of the head and the next reader attaching, and removing this listener lets a later 'data' listener resume it.
    const onReadable = (): void => {
      let chunk: Buffer | null;
      while ((chunk = stream.read() as Buffer | null) !== null) {
        buffered = Buffer.concat([buffered, chunk]);
        const end = buffered.indexOf('\r\n\r\n');
        if (end >= 0) {
          const rest = buffered.subarray(end + 4);
          if (rest.length > 0) stream.unshift(rest);
          finish(parseHead(buffered.subarray(0, end).toString('latin1')));
          return;
        }
        if (buffered.length > MAX_HEAD_BYTES) {
          finish(undefined);
          return;
        }
      }
    };
    stream.on('readable', onReadable);
    stream.once('end', onEnd);
    stream.once('close', onEnd);
  });
}

function parseHead(text: string): Head {
  const [line = '', ...headerLines] = text.split('\r\n');
  const headers = new Map<string, string>();
  for (const headerLine of headerLines) {
    const colon = headerLine.indexOf(':');
    if (colon > 0) headers.set(headerLine.slice(0, colon).trim().toLowerCase(), headerLine.slice(colon + 1).trim());
  }
  return { line, headers };
}

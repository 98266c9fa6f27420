/**
 * haproxy's connection limit against the open-files limit of this host. An amphora image raises the limit for
 * haproxy (Octavia's runs it under systemd with a high LimitNOFILE); a namespace on a shared host keeps the host's,
 * and a process without CAP_SYS_RESOURCE cannot raise it. haproxy then refuses to start ("Cannot raise FD limit").
 */
import { readFileSync } from 'node:fs';

/** File descriptors haproxy needs beyond its connections: listeners, sockets, logs, checks. */
const RESERVED_FDS = 1000;
/** Descriptors per connection: two sockets, and with `option splice-*` a pipe (two fds) per four connections. */
const FDS_PER_CONNECTION = 2.5;

/** The hard limit on open files of this process (which haproxy inherits), or undefined when unknown. */
export function openFilesHardLimit(): number | undefined {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    const hard = line?.trim().split(/\s+/)[4];
    return hard === undefined || hard === 'unlimited' ? undefined : Number(hard);
  } catch {
    return undefined;
  }
}

/** The global section's `maxconn` of a configuration. */
export function globalMaxconn(text: string): number | undefined {
  let inGlobal = false;
  for (const line of text.split('\n')) {
    if (/^\S/.test(line)) inGlobal = /^global\b/.test(line);
    const match = inGlobal ? /^\s+maxconn\s+(\d+)/.exec(line) : null;
    if (match) return Number(match[1]);
  }
  return undefined;
}

/**
 * The `-n` to start haproxy with when the configuration's global `maxconn` needs more descriptors than `hardLimit`
 * allows (haproxy's `-n` takes precedence over the file's `maxconn`); undefined when the file's limit fits.
 */
export function cappedMaxconn(text: string, hardLimit: number | undefined): number | undefined {
  if (hardLimit === undefined) return undefined;
  const wanted = globalMaxconn(text);
  const fits = Math.floor((hardLimit - RESERVED_FDS) / FDS_PER_CONNECTION);
  if (wanted !== undefined && wanted <= fits) return undefined;
  // Without a global maxconn haproxy derives one from the limit itself: nothing to cap.
  return wanted === undefined ? undefined : Math.max(1, fits);
}

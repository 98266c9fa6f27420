/**
 * The heartbeat's envelope, as Octavia wraps it: the JSON message deflated (zlib), then its HMAC-SHA256 under the key
 * the controller and the amphorae share, appended. A datagram is checked in that order, cheapest refusal first,
 * and nothing in it is trusted before its signature holds.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { deflateSync, inflateSync } from 'node:zlib';
import { HeartbeatSchema, type Heartbeat } from './message';

const MAC_BYTES = 32;
/** The largest datagram a health listener reads: a heartbeat of an amphora with hundreds of members fits. */
export const MAX_DATAGRAM_BYTES = 64 * 1024;
/** The largest message once inflated: a deflated datagram that grows past this is a bomb, not a heartbeat. */
const MAX_MESSAGE_BYTES = 1024 * 1024;

/** Why a datagram was dropped: each is counted by the listener, none acted on. */
export type DropReason = 'oversized' | 'truncated' | 'bad-signature' | 'bad-compression' | 'bad-json' | 'bad-shape';

export type Opened = { ok: true; heartbeat: Heartbeat } | { ok: false; reason: DropReason; detail: string };

/**
 * Signs and packs a heartbeat.
 *
 * @param key - the shared heartbeat key (Octavia's `[health_manager] heartbeat_key`).
 */
export function sealHeartbeat(heartbeat: Heartbeat, key: string): Buffer {
  const payload = deflateSync(Buffer.from(JSON.stringify(heartbeat)));
  return Buffer.concat([payload, mac(payload, key)]);
}

/**
 * Checks and unpacks a datagram: its size, its signature, its compression, its JSON, then its shape. Never throws:
 * any datagram, however broken, gives a reason to drop it.
 */
export function openHeartbeat(datagram: Buffer, key: string): Opened {
  const drop = (reason: DropReason, detail: string): Opened => ({ ok: false, reason, detail });
  if (datagram.length > MAX_DATAGRAM_BYTES) return drop('oversized', `${datagram.length} bytes`);
  if (datagram.length <= MAC_BYTES) return drop('truncated', `${datagram.length} bytes`);
  const payload = datagram.subarray(0, datagram.length - MAC_BYTES);
  if (!timingSafeEqual(datagram.subarray(datagram.length - MAC_BYTES), mac(payload, key))) {
    return drop('bad-signature', 'the HMAC does not match the heartbeat key');
  }
  let text: string;
  try {
    text = inflateSync(payload, { maxOutputLength: MAX_MESSAGE_BYTES }).toString('utf8');
  } catch (err) {
    return drop('bad-compression', err instanceof Error ? err.message : String(err));
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return drop('bad-json', err instanceof Error ? err.message : String(err));
  }
  const parsed = HeartbeatSchema.safeParse(value);
  if (!parsed.success) return drop('bad-shape', parsed.error.issues[0]?.message ?? 'not a heartbeat');
  return { ok: true, heartbeat: parsed.data };
}

function mac(payload: Buffer, key: string): Buffer {
  return createHmac('sha256', key).update(payload).digest();
}

import { readFileSync } from 'node:fs';
import { ConfigError } from '../env';

/** The keys that encrypt workflow payloads: the first encrypts, every one decrypts (so keys can rotate). */
export interface CodecKeys {
  /** The id of the key new payloads are encrypted with; it is written into each payload's metadata. */
  currentKeyId: string;
  keys: ReadonlyMap<string, Buffer>;
}

/**
 * Reads `id:base64key,id:base64key,...` (AMPHORA_CODEC_KEYS, or the contents of AMPHORA_CODEC_KEY_FILE). Each key is
 * 32 bytes (AES-256), given in base64: `openssl rand -base64 32`.
 *
 * @throws ConfigError naming the variable and the entry at fault, never echoing a key.
 */
export function parseCodecKeys(text: string, variable: string): CodecKeys {
  const keys = new Map<string, Buffer>();
  const entries = text
    .split(/[,\n]/)
    .map((entry) => entry.trim())
    .filter(Boolean);
  for (const [index, entry] of entries.entries()) {
    const match = /^([A-Za-z0-9_.-]{1,64}):([A-Za-z0-9+/=]+)$/.exec(entry);
    const key = match ? Buffer.from(match[2] ?? '', 'base64') : undefined;
    if (!match || !key || key.length !== 32) {
      throw new ConfigError(
        `Invalid configuration: ${variable}: entry ${index + 1} is not id:key with a 32-byte base64 key (make one with: openssl rand -base64 32)`,
        [variable],
      );
    }
    if (keys.has(match[1] ?? '')) {
      throw new ConfigError(`Invalid configuration: ${variable}: key id ${match[1]} is given twice`, [variable]);
    }
    keys.set(match[1] ?? '', key);
  }
  const [currentKeyId] = keys.keys();
  if (!currentKeyId) throw new ConfigError(`Invalid configuration: ${variable} holds no key`, [variable]);
  return { currentKeyId, keys };
}

/** The codec keys from the environment: AMPHORA_CODEC_KEYS, or the file AMPHORA_CODEC_KEY_FILE names; none if unset. */
export function codecKeysFromEnv(env: Record<string, string | undefined>): CodecKeys | undefined {
  if (env.AMPHORA_CODEC_KEYS) return parseCodecKeys(env.AMPHORA_CODEC_KEYS, 'AMPHORA_CODEC_KEYS');
  const file = env.AMPHORA_CODEC_KEY_FILE;
  if (!file) return undefined;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(
      `Invalid configuration: AMPHORA_CODEC_KEY_FILE=${JSON.stringify(file)}: cannot read it (${err instanceof Error ? err.message : String(err)})`,
      ['AMPHORA_CODEC_KEY_FILE'],
      { cause: err },
    );
  }
  return parseCodecKeys(text, 'AMPHORA_CODEC_KEY_FILE');
}

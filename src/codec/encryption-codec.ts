import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { ApplicationFailure, type Payload, type PayloadCodec } from '@temporalio/common';
import type { CodecKeys } from './keys';

const ENCODING = 'binary/encrypted';
const KEY_ID = 'encryption-key-id';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Encrypts every payload with AES-256-GCM before it reaches the Temporal server, so that workflow history holds no
 * user data, config-drive files or key names in clear; decrypts on the way back. The key id travels in the payload's
 * metadata, so payloads written under an older key still decrypt after a rotation. Payloads that are not encrypted
 * (written before the codec was turned on) pass through unchanged.
 */
export class EncryptionCodec implements PayloadCodec {
  constructor(private readonly keys: CodecKeys) {}

  // The codec interface is async; the work here is synchronous.
  // eslint-disable-next-line @typescript-eslint/require-await
  async encode(payloads: Payload[]): Promise<Payload[]> {
    const key = this.key(this.keys.currentKeyId);
    return payloads.map((payload) => {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const clear = Buffer.from(serialise(payload));
      const sealed = Buffer.concat([iv, cipher.update(clear), cipher.final(), cipher.getAuthTag()]);
      return {
        metadata: { encoding: encoder.encode(ENCODING), [KEY_ID]: encoder.encode(this.keys.currentKeyId) },
        data: sealed,
      };
    });
  }

  // eslint-disable-next-line @typescript-eslint/require-await
  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      if (decoder.decode(payload.metadata?.encoding ?? new Uint8Array()) !== ENCODING) return payload;
      const keyId = decoder.decode(payload.metadata?.[KEY_ID] ?? new Uint8Array());
      const sealed = Buffer.from(payload.data ?? new Uint8Array());
      const decipher = createDecipheriv('aes-256-gcm', this.key(keyId), sealed.subarray(0, IV_BYTES));
      decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
      try {
        const clear = Buffer.concat([
          decipher.update(sealed.subarray(IV_BYTES, sealed.length - TAG_BYTES)),
          decipher.final(),
        ]);
        return deserialise(clear);
      } catch (err) {
        throw ApplicationFailure.nonRetryable(
          `A payload encrypted with key ${keyId} failed its integrity check: it was altered, or the key is not the one it was written with`,
          'PayloadDecryptionError',
          { cause: err instanceof Error ? err.message : String(err) },
        );
      }
    });
  }

  private key(keyId: string): Buffer {
    const key = this.keys.keys.get(keyId);
    if (!key) {
      throw ApplicationFailure.nonRetryable(
        `No codec key ${keyId || '(none)'} is configured: add it to AMPHORA_CODEC_KEYS (keys rotate by adding a new one first, keeping the old ones)`,
        'PayloadDecryptionError',
      );
    }
    return key;
  }
}

/** A payload as bytes: its metadata and data, base64 in JSON (small, and needs no protobuf in this layer). */
function serialise(payload: Payload): Uint8Array {
  const metadata = Object.fromEntries(
    Object.entries(payload.metadata ?? {}).map(([name, value]) => [name, Buffer.from(value).toString('base64')]),
  );
  return encoder.encode(
    JSON.stringify({ metadata, data: Buffer.from(payload.data ?? new Uint8Array()).toString('base64') }),
  );
}

function deserialise(bytes: Uint8Array): Payload {
  const { metadata, data } = JSON.parse(decoder.decode(bytes)) as { metadata: Record<string, string>; data: string };
  return {
    metadata: Object.fromEntries(Object.entries(metadata).map(([name, value]) => [name, Buffer.from(value, 'base64')])),
    data: Buffer.from(data, 'base64'),
  };
}

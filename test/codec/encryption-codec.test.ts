import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter } from '@temporalio/common';
import { EncryptionCodec, parseCodecKeys } from '../../src/codec';
import { codecServerApp } from '../../src/controller/codec-server';
import { ConfigError } from '../../src/env';
import { rejectionOf } from '../drivers/expect-error';

const key = () => randomBytes(32).toString('base64');
const MARKER = 'user-data-marker-7f3a';

describe('the payload codec', () => {
  const old = key();
  const codec = new EncryptionCodec(parseCodecKeys(`k2:${key()},k1:${old}`, 'AMPHORA_CODEC_KEYS'));
  const payload = () => defaultPayloadConverter.toPayload({ userData: MARKER });

  it('encrypts a payload so that its text is nowhere in it, and decrypts it back', async () => {
    const [sealed] = await codec.encode([payload()]);
    expect(Buffer.from(sealed?.data ?? []).toString('latin1')).not.toContain(MARKER);
    expect(Buffer.from(sealed?.metadata?.['encryption-key-id'] ?? []).toString()).toBe('k2');
    const [opened] = await codec.decode([sealed ?? {}]);
    expect(defaultPayloadConverter.fromPayload(opened ?? {})).toEqual({ userData: MARKER });
  });

  it('still decrypts what an older key encrypted, after a rotation', async () => {
    const before = new EncryptionCodec(parseCodecKeys(`k1:${old}`, 'AMPHORA_CODEC_KEYS'));
    const [sealed] = await before.encode([payload()]);
    const [opened] = await codec.decode([sealed ?? {}]);
    expect(defaultPayloadConverter.fromPayload(opened ?? {})).toEqual({ userData: MARKER });
  });

  it('refuses a payload that was altered, or whose key is unknown, naming the key', async () => {
    const [sealed] = await codec.encode([payload()]);
    const data = Buffer.from(sealed?.data ?? []);
    data[20] = (data[20] ?? 0) ^ 1;
    expect((await rejectionOf(codec.decode([{ ...sealed, data }]))).message).toMatch(/k2 failed its integrity check/);
    const stranger = new EncryptionCodec(parseCodecKeys(`k9:${key()}`, 'AMPHORA_CODEC_KEYS'));
    const [foreign] = await stranger.encode([payload()]);
    expect((await rejectionOf(codec.decode([foreign ?? {}]))).message).toMatch(/No codec key k9 is configured/);
  });

  it('refuses keys that are not 32 bytes, without echoing them', () => {
    const short = Buffer.from('too-short').toString('base64');
    const err = (() => {
      try {
        parseCodecKeys(`k1:${short}`, 'AMPHORA_CODEC_KEYS');
      } catch (caught) {
        return caught as Error;
      }
      throw new Error('expected a ConfigError');
    })();
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toContain('entry 1 is not id:key with a 32-byte base64 key');
    expect(err.message).not.toContain(short);
  });

  it("answers the codec server protocol the Web UI uses, to the UI's origin", async () => {
    const app = codecServerApp(codec, ['http://127.0.0.1:8233']);
    const [sealed] = await codec.encode([payload()]);
    const json = {
      payloads: [
        {
          metadata: Object.fromEntries(
            Object.entries(sealed?.metadata ?? {}).map(([name, value]) => [
              name,
              Buffer.from(value).toString('base64'),
            ]),
          ),
          data: Buffer.from(sealed?.data ?? []).toString('base64'),
        },
      ],
    };
    const response = await app.request('/decode', {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'http://127.0.0.1:8233' },
      body: JSON.stringify(json),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:8233');
    const body = (await response.json()) as { payloads: { data: string }[] };
    expect(Buffer.from(body.payloads[0]?.data ?? '', 'base64').toString()).toContain(MARKER);
    expect((await app.request('/decode', { method: 'POST', body: 'nope' })).status).toBe(400);
  });
});

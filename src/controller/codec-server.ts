import { serve, type ServerType } from '@hono/node-server';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { Hono } from 'hono';
import { cors } from 'hono/cors';

/** A payload as the Temporal Web UI and CLI send it to a codec server: metadata values and data in base64. */
interface JsonPayload {
  metadata?: Record<string, string>;
  data?: string;
}

const toPayload = ({ metadata = {}, data = '' }: JsonPayload): Payload => ({
  metadata: Object.fromEntries(Object.entries(metadata).map(([name, value]) => [name, Buffer.from(value, 'base64')])),
  data: Buffer.from(data, 'base64'),
});
const toJson = ({ metadata, data }: Payload): JsonPayload => ({
  metadata: Object.fromEntries(
    Object.entries(metadata ?? {}).map(([name, value]) => [
      name,
      Buffer.from(value ?? new Uint8Array()).toString('base64'),
    ]),
  ),
  data: Buffer.from(data ?? new Uint8Array()).toString('base64'),
});

/**
 * Temporal's remote codec protocol (`POST /decode`, `POST /encode` with `{ payloads: [...] }`), so that the Web UI
 * (`--ui-codec-endpoint`) and `temporal workflow show --codec-endpoint` show decrypted payloads to whoever holds the
 * keys. It answers the UI's origin only (CORS), and should listen where only operators reach it.
 */
export function codecServerApp(codec: PayloadCodec, uiOrigins: string[]): Hono {
  const app = new Hono();
  app.use(
    '*',
    cors({
      origin: uiOrigins,
      allowMethods: ['POST', 'OPTIONS'],
      allowHeaders: ['content-type', 'x-namespace', 'authorization'],
    }),
  );
  for (const direction of ['encode', 'decode'] as const) {
    app.post(`/${direction}`, async (c) => {
      const body = (await c.req.json().catch(() => undefined)) as { payloads?: JsonPayload[] } | undefined;
      if (!body || !Array.isArray(body.payloads)) {
        return c.json(
          { error: 'expected a JSON body { "payloads": [ { "metadata": {...}, "data": "<base64>" } ] }' },
          400,
        );
      }
      const payloads = await codec[direction](body.payloads.map(toPayload));
      return c.json({ payloads: payloads.map(toJson) });
    });
  }
  return app;
}

/** Serves {@link codecServerApp} on `host:port`; resolves once it listens. */
export async function startCodecServer(
  codec: PayloadCodec,
  options: { host: string; port: number; uiOrigins: string[] },
): Promise<{ url: string; close(): Promise<void> }> {
  const app = codecServerApp(codec, options.uiOrigins);
  const server: ServerType = await new Promise((resolve, reject) => {
    const started = serve({ fetch: app.fetch, hostname: options.host, port: options.port }, () => resolve(started));
    started.once('error', reject);
  });
  const address = server.address();
  const port = address && typeof address === 'object' ? address.port : options.port;
  return {
    url: `http://${options.host}:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

import { z } from 'zod';
import type { ServiceClient, ServiceRequest } from './service-client';

const LinksSchema = z.array(z.object({ rel: z.string(), href: z.string() })).optional();

/**
 * Reads every page of a Nova or Neutron list. Both APIs cut long lists into pages and add `<key>_links` with a
 * `next` link whose `marker` names where the next page starts; the marker is carried over, the link's host is not
 * (it may be an internal name).
 */
export async function collectPages<T extends z.ZodType>(
  client: ServiceClient,
  request: ServiceRequest,
  key: string,
  itemSchema: T,
): Promise<z.output<T>[]> {
  const pageSchema = z.object({ [key]: z.array(itemSchema), [`${key}_links`]: LinksSchema });
  const items: z.output<T>[] = [];
  let marker: string | undefined;
  for (let page = 0; page < 10_000; page += 1) {
    const body = (await client.json({ ...request, params: { ...request.params, marker } }, pageSchema)) as Record<
      string,
      unknown
    >;
    items.push(...(body[key] as z.output<T>[]));
    const links = body[`${key}_links`] as z.infer<typeof LinksSchema>;
    const next = links?.find((link) => link.rel === 'next');
    const nextMarker = next ? new URL(next.href, 'http://placeholder/').searchParams.get('marker') : null;
    if (!nextMarker || nextMarker === marker) return items;
    marker = nextMarker;
  }
  return items;
}

/**
 * Reads every page of a list that pages by `offset` (Nova's server groups: `limit` and `offset`, no marker, no
 * links). A page is at most the cloud's `[api] max_limit` long, which the client cannot know, so pages are asked for
 * until one comes back empty.
 */
export async function collectOffsetPages<T extends z.ZodType<{ id: string }>>(
  client: ServiceClient,
  request: ServiceRequest,
  key: string,
  itemSchema: T,
): Promise<z.output<T>[]> {
  const pageSchema = z.object({ [key]: z.array(itemSchema) });
  const items: z.output<T>[] = [];
  let previousFirst: string | undefined;
  for (let page = 0; page < 10_000; page += 1) {
    const params = { ...request.params, ...(items.length > 0 ? { offset: String(items.length) } : {}) };
    const body = (await client.json({ ...request, params }, pageSchema)) as Record<string, z.output<T>[]>;
    const found = body[key] ?? [];
    // An empty page is the end; so is the first page again (a cloud that ignores `offset` answers whole lists).
    if (found.length === 0 || found[0]?.id === previousFirst) return items;
    previousFirst = found[0]?.id;
    items.push(...found);
  }
  return items;
}

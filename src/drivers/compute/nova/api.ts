import { z } from 'zod';
import { collectOffsetPages, collectPages } from '../../openstack/pagination';
import type { ServiceClient, ServiceRequest } from '../../openstack/service-client';
import {
  NOVA_MICROVERSION,
  NovaInterfaceSchema,
  NovaServerGroupSchema,
  NovaServerSchema,
  type NovaInterface,
  type NovaServer,
  type NovaServerGroup,
} from './schemas';

/** Nova's name filter is a regular expression; this makes one that matches `text` literally. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const MICROVERSION_HEADERS = {
  'OpenStack-API-Version': `compute ${NOVA_MICROVERSION}`,
  'X-OpenStack-Nova-API-Version': NOVA_MICROVERSION,
};

/**
 * The Nova calls the drivers make, with their answers parsed. Failures are the sanitised errors of
 * `../openstack/http-errors`; each driver turns them into its own error family.
 */
export class NovaApi {
  constructor(private readonly client: ServiceClient) {}

  async getServer(serverId: string): Promise<NovaServer> {
    const path = `servers/${encodeURIComponent(serverId)}`;
    return (await this.json({ method: 'GET', path }, z.object({ server: NovaServerSchema }))).server;
  }

  /** Servers whose names match the regular expression `nameRegExp` (Nova's own filter). */
  listServers(nameRegExp: string): Promise<NovaServer[]> {
    return collectPages(
      this.client,
      this.with({ method: 'GET', path: 'servers/detail', params: { name: nameRegExp } }),
      'servers',
      NovaServerSchema,
    );
  }

  /** @returns the new server's id. */
  async createServer(body: unknown): Promise<string> {
    const created = await this.json(
      { method: 'POST', path: 'servers', body },
      z.object({ server: z.object({ id: z.string() }) }),
    );
    return created.server.id;
  }

  async deleteServer(serverId: string): Promise<void> {
    await this.client.request(this.with({ method: 'DELETE', path: `servers/${encodeURIComponent(serverId)}` }));
  }

  async listInterfaces(serverId: string): Promise<NovaInterface[]> {
    const path = `servers/${encodeURIComponent(serverId)}/os-interface`;
    const schema = z.object({ interfaceAttachments: z.array(NovaInterfaceSchema) });
    return (await this.json({ method: 'GET', path }, schema)).interfaceAttachments;
  }

  async getInterface(serverId: string, portId: string): Promise<NovaInterface> {
    const path = `servers/${encodeURIComponent(serverId)}/os-interface/${encodeURIComponent(portId)}`;
    return (await this.json({ method: 'GET', path }, z.object({ interfaceAttachment: NovaInterfaceSchema })))
      .interfaceAttachment;
  }

  /** Attaches an existing port, or a new port on a network (with `ipAddress` when given). */
  async attachInterface(
    serverId: string,
    target: { portId: string } | { networkId: string; ipAddress?: string },
  ): Promise<NovaInterface> {
    const interfaceAttachment =
      'portId' in target
        ? { port_id: target.portId }
        : {
            net_id: target.networkId,
            ...(target.ipAddress ? { fixed_ips: [{ ip_address: target.ipAddress }] } : {}),
          };
    const path = `servers/${encodeURIComponent(serverId)}/os-interface`;
    const schema = z.object({ interfaceAttachment: NovaInterfaceSchema });
    return (await this.json({ method: 'POST', path, body: { interfaceAttachment } }, schema)).interfaceAttachment;
  }

  /** Starts detaching a port (Nova answers 202 and finishes in the background). */
  async detachInterface(serverId: string, portId: string): Promise<void> {
    const path = `servers/${encodeURIComponent(serverId)}/os-interface/${encodeURIComponent(portId)}`;
    await this.client.request(this.with({ method: 'DELETE', path }));
  }

  /** Every server group of the project, across Nova's limit/offset pages. */
  listServerGroups(): Promise<NovaServerGroup[]> {
    return collectOffsetPages(
      this.client,
      this.with({ method: 'GET', path: 'os-server-groups' }),
      'server_groups',
      NovaServerGroupSchema,
    );
  }

  async createServerGroup(name: string, policy: string): Promise<NovaServerGroup> {
    const body = { server_group: { name, policies: [policy] } };
    const schema = z.object({ server_group: NovaServerGroupSchema });
    return (await this.json({ method: 'POST', path: 'os-server-groups', body }, schema)).server_group;
  }

  async deleteServerGroup(groupId: string): Promise<void> {
    await this.client.request(this.with({ method: 'DELETE', path: `os-server-groups/${encodeURIComponent(groupId)}` }));
  }

  private json<S extends z.ZodType>(request: ServiceRequest, schema: S): Promise<z.output<S>> {
    return this.client.json(this.with(request), schema);
  }

  private with(request: ServiceRequest): ServiceRequest {
    return { ...request, headers: { ...request.headers, ...MICROVERSION_HEADERS } };
  }
}

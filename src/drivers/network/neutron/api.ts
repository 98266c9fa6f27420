import { z } from 'zod';
import { collectPages } from '../../openstack/pagination';
import type { ServiceClient } from '../../openstack/service-client';
import {
  NeutronNetworkSchema,
  NeutronPortSchema,
  NeutronSecurityGroupRuleSchema,
  NeutronSecurityGroupSchema,
  NeutronSubnetSchema,
  type NeutronNetwork,
  type NeutronPort,
  type NeutronSecurityGroup,
  type NeutronSecurityGroupRule,
  type NeutronSubnet,
} from './schemas';

const id = encodeURIComponent;

/**
 * The Neutron (v2.0) calls the network driver makes, with their answers parsed. Failures are the sanitised errors of
 * `../openstack/http-errors`; the driver turns them into NetworkErrors.
 */
export class NeutronApi {
  constructor(private readonly client: ServiceClient) {}

  async getNetwork(networkId: string): Promise<NeutronNetwork> {
    const path = `v2.0/networks/${id(networkId)}`;
    return (await this.client.json({ method: 'GET', path }, z.object({ network: NeutronNetworkSchema }))).network;
  }

  async getSubnet(subnetId: string): Promise<NeutronSubnet> {
    const path = `v2.0/subnets/${id(subnetId)}`;
    return (await this.client.json({ method: 'GET', path }, z.object({ subnet: NeutronSubnetSchema }))).subnet;
  }

  async getPort(portId: string): Promise<NeutronPort> {
    const path = `v2.0/ports/${id(portId)}`;
    return (await this.client.json({ method: 'GET', path }, z.object({ port: NeutronPortSchema }))).port;
  }

  /** Ports matching Neutron's exact-match filters (`name`, `network_id`, `device_id`, ...). */
  listPorts(filters: Record<string, string> = {}): Promise<NeutronPort[]> {
    return collectPages(
      this.client,
      { method: 'GET', path: 'v2.0/ports', params: filters },
      'ports',
      NeutronPortSchema,
    );
  }

  async createPort(port: Record<string, unknown>): Promise<NeutronPort> {
    const schema = z.object({ port: NeutronPortSchema });
    return (await this.client.json({ method: 'POST', path: 'v2.0/ports', body: { port } }, schema)).port;
  }

  async updatePort(portId: string, port: Record<string, unknown>): Promise<NeutronPort> {
    const schema = z.object({ port: NeutronPortSchema });
    return (await this.client.json({ method: 'PUT', path: `v2.0/ports/${id(portId)}`, body: { port } }, schema)).port;
  }

  async deletePort(portId: string): Promise<void> {
    await this.client.request({ method: 'DELETE', path: `v2.0/ports/${id(portId)}` });
  }

  /** Security groups named exactly `name`, or all of them. */
  listSecurityGroups(name?: string): Promise<NeutronSecurityGroup[]> {
    const request = {
      method: 'GET' as const,
      path: 'v2.0/security-groups',
      params: name === undefined ? {} : { name },
    };
    return collectPages(this.client, request, 'security_groups', NeutronSecurityGroupSchema);
  }

  async createSecurityGroup(name: string, description: string): Promise<NeutronSecurityGroup> {
    const body = { security_group: { name, description } };
    const schema = z.object({ security_group: NeutronSecurityGroupSchema });
    return (await this.client.json({ method: 'POST', path: 'v2.0/security-groups', body }, schema)).security_group;
  }

  async deleteSecurityGroup(groupId: string): Promise<void> {
    await this.client.request({ method: 'DELETE', path: `v2.0/security-groups/${id(groupId)}` });
  }

  async createSecurityGroupRule(rule: Record<string, unknown>): Promise<NeutronSecurityGroupRule> {
    const body = { security_group_rule: rule };
    const schema = z.object({ security_group_rule: NeutronSecurityGroupRuleSchema });
    return (await this.client.json({ method: 'POST', path: 'v2.0/security-group-rules', body }, schema))
      .security_group_rule;
  }

  async deleteSecurityGroupRule(ruleId: string): Promise<void> {
    await this.client.request({ method: 'DELETE', path: `v2.0/security-group-rules/${id(ruleId)}` });
  }
}

/** The records the fake cloud keeps, in its own shapes (the API views are built from them). */

export interface FakeNetwork {
  id: string;
  name: string;
  subnets: string[];
  routerExternal: boolean;
}

export interface FakeSubnet {
  id: string;
  name: string;
  networkId: string;
  cidr: string;
  gatewayIp: string;
  /** address -> port id */
  taken: Map<string, string>;
}

export interface FakePort {
  id: string;
  name: string;
  description: string;
  networkId: string;
  deviceId: string;
  deviceOwner: string;
  fixedIps: { subnet_id: string; ip_address: string }[];
  macAddress: string;
  adminStateUp: boolean;
  allowedAddressPairs: { ip_address: string; mac_address?: string }[];
  securityGroups: string[];
  qosPolicyId: string | null;
  createdAt: string;
  /** Made by Nova for a network attachment: deleted with the attachment. */
  novaCreated: boolean;
  /** When a detach that Nova accepted completes. */
  detachAt?: number;
}

export interface FakeServer {
  id: string;
  name: string;
  seq: number;
  createdAt: string;
  readyAt: number;
  fault?: { code: number; message: string; details?: string; created: string };
  imageRef: string;
  flavorRef: string;
  availabilityZone: string;
  keyName: string | null;
  securityGroups: string[];
  userData?: string;
  personality: { path: string; contents: Buffer }[];
  configDrive: boolean;
  groupId?: string;
  metadata: Record<string, string>;
}

export interface FakeRule {
  id: string;
  security_group_id: string;
  direction: string;
  ethertype: string;
  protocol: string | null;
  port_range_min: number | null;
  port_range_max: number | null;
  remote_ip_prefix: string | null;
  remote_group_id: string | null;
}

export interface FakeSecurityGroup {
  id: string;
  name: string;
  description: string;
  rules: FakeRule[];
  createdAt: string;
}

export interface FakeServerGroup {
  id: string;
  name: string;
  policy: string;
  members: string[];
}

export const PROJECT_ID = 'f3b3c3d4e5f64718293a4b5c6d7e8f90';
export const USER_ID = '0a1b2c3d4e5f60718293a4b5c6d7e8f9';

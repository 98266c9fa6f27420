/**
 * The mark of this service: what it sets at create on every server, port and security group it makes, and the rule
 * by which the orphan sweeper counts a resource as ours (DESIGN.md rule 7): one of our names AND our mark, never a
 * name alone.
 */
import { amphoraName, idAfter, serverGroupName, vipPortName, vipSecurityGroupName, vrrpPortName } from './names';

/** Who made it: the key of our Nova server metadata, and the author our Neutron descriptions name. */
export const OWNER = 'amphora-orchestrator';

/** The description set at create on every Neutron port and security group this service makes. */
export const OWNED_DESCRIPTION = `created by ${OWNER}`;

/**
 * The Nova metadata set at create on every server this service builds: `{ "amphora-orchestrator": <its name> }`
 * (Nova allows keys and values of up to 255 characters; our names are far shorter).
 */
export const ownedMetadata = (name: string): Record<string, string> => ({ [OWNER]: name });

/** The kinds of resource this service creates, as the sweeper lists them. */
export type OwnedKind = 'instance' | 'port' | 'serverGroup' | 'securityGroup';

/** A resource listed by one of our name prefixes, with what it carries that could be our mark. */
export interface OwnershipCandidate {
  kind: OwnedKind;
  name: string;
  /** Neutron ports and security groups: the description set at create. */
  description?: string | undefined;
  /** Nova servers: the metadata set at create. */
  metadata?: Record<string, string> | undefined;
}

const byDescription = ({ description }: OwnershipCandidate) =>
  description === OWNED_DESCRIPTION ? `and description "${OWNED_DESCRIPTION}" set at create` : undefined;

/** The names this service gives each kind, as `<prefix><uuid>`, with the reason the mark adds to such a name. */
const RULES: Record<OwnedKind, { prefix: string; marked: (candidate: OwnershipCandidate) => string | undefined }[]> = {
  instance: [
    {
      prefix: amphoraName(''),
      marked: ({ name, metadata }) =>
        metadata?.[OWNER] === name ? `and metadata "${OWNER}" (its name) set at create` : undefined,
    },
  ],
  port: [
    // The base-port prefix first: `octavia-lb-vrrp-<uuid>` also starts with the VIP port's `octavia-lb-`.
    { prefix: vrrpPortName(''), marked: byDescription },
    { prefix: vipPortName(''), marked: byDescription },
  ],
  securityGroup: [{ prefix: vipSecurityGroupName(''), marked: byDescription }],
  // Nova server groups have no metadata or description: the mark is where they are. Nova lists only the caller's own
  // project's groups (unless asked for all projects, which we never do), and the sweeper runs as the service.
  serverGroup: [
    {
      prefix: serverGroupName(''),
      marked: () =>
        "in the service's own project (Nova lists only the caller's server groups; they carry no metadata or description)",
    },
  ],
};

/**
 * Why a listed resource is ours, or undefined when it is not. Ours means both: its name is one this service gives
 * (`amphora-<uuid>`, `octavia-lb-<uuid>`, `octavia-lb-vrrp-<uuid>`, `lb-<uuid>`), and it carries the mark set at
 * create (servers: our metadata naming the server; ports and security groups: our description; server groups: being
 * in the service's own project). A tenant's `lb-web`, or a neighbouring Octavia's `octavia-lb-<uuid>` port, is not.
 *
 * @returns a sentence for the sweep's report, such as `name lb-<uuid> and description "created by
 *   amphora-orchestrator" set at create`.
 */
export function ownershipReason(candidate: OwnershipCandidate): string | undefined {
  for (const { prefix, marked } of RULES[candidate.kind]) {
    if (!idAfter(prefix, candidate.name)) continue;
    const mark = marked(candidate);
    return mark ? `name ${prefix}<uuid> ${mark}` : undefined;
  }
  return undefined;
}

/** Whether a port is the base port of one of our amphorae (`octavia-lb-vrrp-<uuid>` with our description). */
export const isOurBasePort = (port: { name: string; description?: string | null }): boolean =>
  idAfter(vrrpPortName(''), port.name) !== undefined && port.description === OWNED_DESCRIPTION;

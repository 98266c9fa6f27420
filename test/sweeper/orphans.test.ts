import { randomUUID } from 'node:crypto';
import type { LiveSet, OwnedResource } from '../../src/contracts';
import { OWNED_DESCRIPTION, ownedMetadata, ownershipReason, type OwnershipCandidate } from '../../src/models';
import { classify, ownerOf, removalOrder } from '../../src/workflows/sweeper/orphans';

const resource = (kind: OwnedResource['kind'], name: string): OwnedResource => ({
  kind,
  id: `id-of-${name}`,
  name,
  reason: 'a test says so',
});
const live = (overrides: Partial<LiveSet> = {}): LiveSet => ({
  loadBalancerIds: [],
  amphoraIds: [],
  unanswered: [],
  ...overrides,
});
const a1 = randomUUID();
const lb1 = randomUUID();
const liveAmphora = randomUUID();
const goneAmphora = randomUUID();
const liveLb = randomUUID();
const goneLb = randomUUID();

describe('ownershipReason', () => {
  const described = `and description "${OWNED_DESCRIPTION}" set at create`;
  const candidate = (kind: OwnershipCandidate['kind'], name: string, mark: Partial<OwnershipCandidate> = {}) => ({
    kind,
    name,
    ...mark,
  });

  it.each([
    [
      'an amphora with our metadata (among other keys)',
      candidate('instance', `amphora-${a1}`, { metadata: { ...ownedMetadata(`amphora-${a1}`), role: 'MASTER' } }),
      'name amphora-<uuid> and metadata "amphora-orchestrator" (its name) set at create',
    ],
    [
      'an amphora base port with our description',
      candidate('port', `octavia-lb-vrrp-${a1}`, { description: OWNED_DESCRIPTION }),
      `name octavia-lb-vrrp-<uuid> ${described}`,
    ],
    [
      'a VIP port with our description',
      candidate('port', `octavia-lb-${lb1}`, { description: OWNED_DESCRIPTION }),
      `name octavia-lb-<uuid> ${described}`,
    ],
    [
      'a VIP security group with our description',
      candidate('securityGroup', `lb-${lb1}`, { description: OWNED_DESCRIPTION }),
      `name lb-<uuid> ${described}`,
    ],
    [
      'a server group of our name, listed in our own project',
      candidate('serverGroup', `octavia-lb-${lb1}`),
      "name octavia-lb-<uuid> in the service's own project (Nova lists only the caller's server groups; they carry no metadata or description)",
    ],
  ])('counts as ours %s, saying why', (_label, item, reason) => {
    expect(ownershipReason(item)).toBe(reason);
  });

  it.each([
    ['a tenant security group named lb-web, even with our description', 'securityGroup', 'lb-web', OWNED_DESCRIPTION],
    ['a tenant security group named lb-<uuid> without a description', 'securityGroup', `lb-${lb1}`, undefined],
    ['a security group with the description of another service', 'securityGroup', `lb-${lb1}`, 'Octavia VIP group'],
    ["a neighbouring Octavia's VIP port (device_owner Octavia, no description)", 'port', `octavia-lb-${lb1}`, ''],
    ["a neighbouring Octavia's amphora base port", 'port', `octavia-lb-vrrp-${a1}`, undefined],
    ['a port named octavia-lb-web, even with our description', 'port', 'octavia-lb-web', OWNED_DESCRIPTION],
    ['a port named like an amphora, not like a port of ours', 'port', `amphora-${a1}`, OWNED_DESCRIPTION],
    ['a server group named octavia-lb-web', 'serverGroup', 'octavia-lb-web', undefined],
    ['a server group named like a base port', 'serverGroup', `octavia-lb-vrrp-${a1}`, undefined],
  ] as const)('never counts as ours %s', (_label, kind, name, description) => {
    expect(ownershipReason({ kind, name, description })).toBeUndefined();
  });

  it.each([
    ['no metadata', undefined],
    ['metadata of someone else', { owner: 'tenant' }],
    ['our key naming another server (metadata copied from one of ours)', ownedMetadata(`amphora-${randomUUID()}`)],
  ])('never counts as ours a server named amphora-<uuid> with %s', (_label, metadata) => {
    expect(ownershipReason({ kind: 'instance', name: `amphora-${a1}`, metadata })).toBeUndefined();
  });

  it('never counts as ours a server named amphora-web-1, even with our metadata', () => {
    expect(
      ownershipReason({ kind: 'instance', name: 'amphora-web-1', metadata: ownedMetadata('amphora-web-1') }),
    ).toBeUndefined();
  });
});

describe('ownerOf', () => {
  it.each([
    ['an instance amphora-<uuid>', resource('instance', `amphora-${a1}`), { amphoraId: a1 }],
    ['a port octavia-lb-vrrp-<uuid>', resource('port', `octavia-lb-vrrp-${a1}`), { amphoraId: a1 }],
    ['a port octavia-lb-<uuid>', resource('port', `octavia-lb-${lb1}`), { loadBalancerId: lb1 }],
    ['a server group octavia-lb-<uuid>', resource('serverGroup', `octavia-lb-${lb1}`), { loadBalancerId: lb1 }],
    ['a security group lb-<uuid>', resource('securityGroup', `lb-${lb1}`), { loadBalancerId: lb1 }],
  ])('reads the owner of %s from its name', (_kind, item, owner) => {
    expect(ownerOf(item)).toEqual(owner);
  });

  it.each([
    ['instance', 'amphora-'],
    ['instance', 'amphora-a1'],
    ['instance', 'web-1'],
    ['port', 'octavia-lb-'],
    ['port', 'octavia-lb-vrrp-a1'],
    ['port', 'user-port'],
    ['securityGroup', 'lb-web'],
    ['securityGroup', 'default'],
    ['serverGroup', `octavia-lb-vrrp-${a1}`],
  ] as const)('owns no %s named %s (our ids are UUIDs)', (kind, name) => {
    expect(ownerOf(resource(kind, name))).toBeUndefined();
  });
});

describe('classify', () => {
  const all = [
    resource('instance', `amphora-${liveAmphora}`),
    resource('port', `octavia-lb-vrrp-${liveAmphora}`),
    resource('instance', `amphora-${goneAmphora}`),
    resource('port', `octavia-lb-vrrp-${goneAmphora}`),
    resource('port', `octavia-lb-${liveLb}`),
    resource('port', `octavia-lb-${goneLb}`),
    resource('securityGroup', `lb-${liveLb}`),
    resource('securityGroup', `lb-${goneLb}`),
    resource('serverGroup', `octavia-lb-${goneLb}`),
    resource('port', 'octavia-lb-'),
    resource('securityGroup', 'lb-web'),
  ];
  const names = (items: OwnedResource[]) => items.map((item) => item.name).sort();

  it('calls orphan what no live load balancer or amphora accounts for, and ignores names that are not ours', () => {
    const found = classify(all, live({ loadBalancerIds: [liveLb], amphoraIds: [liveAmphora] }));
    expect(names(found.live)).toEqual(
      [`amphora-${liveAmphora}`, `lb-${liveLb}`, `octavia-lb-${liveLb}`, `octavia-lb-vrrp-${liveAmphora}`].sort(),
    );
    expect(names(found.orphans)).toEqual(
      [
        `amphora-${goneAmphora}`,
        `lb-${goneLb}`,
        `octavia-lb-${goneLb}`,
        `octavia-lb-${goneLb}`,
        `octavia-lb-vrrp-${goneAmphora}`,
      ].sort(),
    );
    expect(found.undecided).toEqual([]);
  });

  it('keeps amphora resources and security groups undecided while a live workflow has not answered', () => {
    const found = classify(
      all,
      live({ loadBalancerIds: [liveLb], unanswered: [{ loadBalancerId: liveLb, workflowId: 'w', error: 'x' }] }),
    );
    expect(names(found.undecided)).toEqual(
      [
        `amphora-${goneAmphora}`,
        `amphora-${liveAmphora}`,
        `lb-${goneLb}`,
        `octavia-lb-vrrp-${goneAmphora}`,
        `octavia-lb-vrrp-${liveAmphora}`,
      ].sort(),
    );
    expect(names(found.orphans)).toEqual([`octavia-lb-${goneLb}`, `octavia-lb-${goneLb}`]);
  });

  it('removes instances, then base ports, VIP ports, security groups and server groups', () => {
    const order = [...all].sort((a, b) => removalOrder(a) - removalOrder(b)).map((item) => item.kind);
    expect(order.indexOf('instance')).toBeLessThan(order.indexOf('port'));
    expect(order.lastIndexOf('port')).toBeLessThan(order.indexOf('securityGroup'));
    expect(order.lastIndexOf('securityGroup')).toBeLessThan(order.indexOf('serverGroup'));
    expect(removalOrder(resource('port', `octavia-lb-vrrp-${a1}`))).toBeLessThan(
      removalOrder(resource('port', `octavia-lb-${lb1}`)),
    );
  });
});

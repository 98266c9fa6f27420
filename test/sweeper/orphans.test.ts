import type { LiveSet, OwnedResource } from '../../src/contracts';
import { classify, ownerOf, removalOrder } from '../../src/workflows/sweeper/orphans';

const resource = (kind: OwnedResource['kind'], name: string): OwnedResource => ({ kind, id: `id-of-${name}`, name });
const live = (overrides: Partial<LiveSet> = {}): LiveSet => ({
  loadBalancerIds: [],
  amphoraIds: [],
  unanswered: [],
  ...overrides,
});

describe('ownerOf', () => {
  it.each([
    [resource('instance', 'amphora-a1'), { amphoraId: 'a1' }],
    [resource('port', 'octavia-lb-vrrp-a1'), { amphoraId: 'a1' }],
    [resource('port', 'octavia-lb-lb1'), { loadBalancerId: 'lb1' }],
    [resource('serverGroup', 'octavia-lb-lb1'), { loadBalancerId: 'lb1' }],
    [resource('securityGroup', 'lb-lb1'), { loadBalancerId: 'lb1' }],
  ])('reads the owner of %j from its name', (item, owner) => {
    expect(ownerOf(item)).toEqual(owner);
  });

  it.each([
    resource('instance', 'amphora-'),
    resource('instance', 'web-1'),
    resource('port', 'octavia-lb-'),
    resource('port', 'user-port'),
    resource('securityGroup', 'default'),
  ])('owns nothing named %j', (item) => {
    expect(ownerOf(item)).toBeUndefined();
  });
});

describe('classify', () => {
  const all = [
    resource('instance', 'amphora-live'),
    resource('port', 'octavia-lb-vrrp-live'),
    resource('instance', 'amphora-gone'),
    resource('port', 'octavia-lb-vrrp-gone'),
    resource('port', 'octavia-lb-lb-live'),
    resource('port', 'octavia-lb-lb-gone'),
    resource('securityGroup', 'lb-lb-live'),
    resource('securityGroup', 'lb-lb-gone'),
    resource('serverGroup', 'octavia-lb-lb-gone'),
    resource('port', 'octavia-lb-'),
  ];
  const names = (items: OwnedResource[]) => items.map((item) => item.name).sort();

  it('calls orphan what no live load balancer or amphora accounts for, and ignores names that are not ours', () => {
    const found = classify(all, live({ loadBalancerIds: ['lb-live'], amphoraIds: ['live'] }));
    expect(names(found.live)).toEqual(['amphora-live', 'lb-lb-live', 'octavia-lb-lb-live', 'octavia-lb-vrrp-live']);
    expect(names(found.orphans)).toEqual(
      ['amphora-gone', 'lb-lb-gone', 'octavia-lb-lb-gone', 'octavia-lb-lb-gone', 'octavia-lb-vrrp-gone'].sort(),
    );
    expect(found.undecided).toEqual([]);
  });

  it('keeps amphora resources and security groups undecided while a live workflow has not answered', () => {
    const found = classify(
      all,
      live({ loadBalancerIds: ['lb-live'], unanswered: [{ loadBalancerId: 'lb-live', workflowId: 'w', error: 'x' }] }),
    );
    expect(names(found.undecided)).toEqual(
      ['amphora-gone', 'amphora-live', 'lb-lb-gone', 'octavia-lb-vrrp-gone', 'octavia-lb-vrrp-live'].sort(),
    );
    expect(names(found.orphans)).toEqual(['octavia-lb-lb-gone', 'octavia-lb-lb-gone']);
  });

  it('removes instances, then base ports, VIP ports, security groups and server groups', () => {
    const order = [...all].sort((a, b) => removalOrder(a) - removalOrder(b)).map((item) => item.kind);
    expect(order.indexOf('instance')).toBeLessThan(order.indexOf('port'));
    expect(order.lastIndexOf('port')).toBeLessThan(order.indexOf('securityGroup'));
    expect(order.lastIndexOf('securityGroup')).toBeLessThan(order.indexOf('serverGroup'));
    expect(removalOrder(resource('port', 'octavia-lb-vrrp-x'))).toBeLessThan(
      removalOrder(resource('port', 'octavia-lb-x')),
    );
  });
});

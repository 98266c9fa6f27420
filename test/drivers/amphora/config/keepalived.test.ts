import {
  type AmphoraConfigInput,
  KeepalivedNotNeededError,
  needsKeepalived,
  renderKeepalivedConfig,
  UnrenderableValueError,
  virtualRouterId,
  vrrpPassword,
} from '../../../../src/drivers/amphora/config';
import { expectGolden, goldenFiles, UPDATING } from './golden';
import { KEEPALIVED_CASES } from './keepalived-cases';
import { HAPROXY_CASES } from './haproxy-cases';
import { amphora, ids, inputFor, listener, loadBalancer } from './trees';

const CASES = Object.keys(KEEPALIVED_CASES);
const input = (name: string): AmphoraConfigInput => (KEEPALIVED_CASES[name] as () => AmphoraConfigInput)();

describe('renderKeepalivedConfig', () => {
  it.each(CASES)('renders the %s case exactly as its golden file', (name) => {
    expectGolden(`keepalived-${name}.cfg`, renderKeepalivedConfig(input(name)));
  });

  it('has a golden file for every case and none for a case that is gone', () => {
    if (UPDATING) return;
    expect(goldenFiles('keepalived').sort()).toEqual(CASES.map((name) => `keepalived-${name}.cfg`).sort());
  });

  it('gives the pair one router id and password, and each amphora its own role, priority and peer', () => {
    const master = renderKeepalivedConfig(input('active-standby-master'));
    const backup = renderKeepalivedConfig(input('active-standby-backup'));
    const shared = (config: string) => config.match(/virtual_router_id \d+|auth_pass \w+/g);
    expect(shared(master)).toEqual(shared(backup));
    expect(master).toMatch(/state MASTER\n\s+interface eth1\n\s+virtual_router_id \d+\n\s+priority 100\n/);
    expect(backup).toMatch(/state BACKUP\n\s+interface eth1\n\s+virtual_router_id \d+\n\s+priority 90\n/);
    expect(master).toMatch(/unicast_src_ip 203\.0\.113\.11\n\s+unicast_peer \{\n\s+203\.0\.113\.12\n\s+\}/);
    expect(backup).toMatch(/unicast_src_ip 203\.0\.113\.12\n\s+unicast_peer \{\n\s+203\.0\.113\.11\n\s+\}/);
    // The third amphora is DELETED: no peer of anyone.
    expect(master).not.toContain('203.0.113.13');
  });

  it('derives the router id (1..255) and an 8-character password from the load balancer id alone', () => {
    const lbIds = Array.from({ length: 500 }, (_, i) => `lb-${i}`);
    for (const id of lbIds) {
      expect(virtualRouterId(id)).toBeGreaterThanOrEqual(1);
      expect(virtualRouterId(id)).toBeLessThanOrEqual(255);
      expect(vrrpPassword(id)).toMatch(/^[0-9a-f]{8}$/);
      expect(virtualRouterId(id)).toBe(virtualRouterId(id));
    }
    expect(new Set(lbIds.map(virtualRouterId)).size).toBeGreaterThan(200);
  });

  it('throws KeepalivedNotNeededError for a SINGLE load balancer without UDP or SCTP listeners', () => {
    const single = (HAPROXY_CASES.http as () => AmphoraConfigInput)();
    expect(needsKeepalived(single)).toBe(false);
    expect(() => renderKeepalivedConfig(single)).toThrow(KeepalivedNotNeededError);
    expect(() => renderKeepalivedConfig(single)).toThrow(`load balancer ${ids.loadBalancer}: it is SINGLE`);
  });

  it('needs keepalived for every ACTIVE_STANDBY amphora and for a SINGLE one with LVS listeners', () => {
    for (const name of CASES) expect(needsKeepalived(input(name))).toBe(true);
    const downUdp = inputFor(
      loadBalancer({ tree: { listeners: [listener(1, { protocol: 'UDP', protocolPort: 53, adminStateUp: false })] } }),
    );
    expect(needsKeepalived(downUdp)).toBe(false);
  });

  it.each([
    ['a STANDALONE role', { role: 'STANDALONE' as const }],
    ['no role', { role: undefined }],
    ['no VRRP address', { vrrpIp: undefined }],
  ])('refuses an ACTIVE_STANDBY amphora with %s', (_, fields) => {
    const lb = loadBalancer({ topology: 'ACTIVE_STANDBY', amphorae: [amphora(1, { role: 'MASTER' })], tree: {} });
    const target = { ...amphora(1, { role: 'MASTER' }), ...fields };
    expect(() => renderKeepalivedConfig({ loadBalancer: lb, amphora: target })).toThrow(UnrenderableValueError);
  });

  it('refuses a base path that would break out of a quoted check command', () => {
    const udp = { ...input('active-standby-master'), paths: { base: '/var/lib/octavia" && reboot "' } };
    expect(() => renderKeepalivedConfig(udp)).toThrow(UnrenderableValueError);
  });
});

import {
  type AmphoraConfigInput,
  renderHaproxyConfig,
  tlsFileName,
  UnrenderableValueError,
} from '../../../../src/drivers/amphora/config';
import { expectGolden, goldenFiles, UPDATING } from './golden';
import { HAPROXY_CASES } from './haproxy-cases';
import { ids, inputFor, listener, loadBalancer, policy, pool, rule } from './trees';

const CASES = Object.keys(HAPROXY_CASES);
const render = (name: string): string => renderHaproxyConfig((HAPROXY_CASES[name] as () => AmphoraConfigInput)());

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}

/** An HTTP listener with one policy of one rule, for the refusal tests. */
function oneRule(
  fields: Partial<Parameters<typeof rule>[2]>,
  policyFields: Partial<Parameters<typeof policy>[2]> = {},
) {
  return inputFor(
    loadBalancer({
      tree: {
        listeners: [listener(1, { protocol: 'HTTP', protocolPort: 80 })],
        l7Policies: [policy(1, 1, { action: 'REJECT', position: 1, ...policyFields })],
        l7Rules: [rule(1, 1, { type: 'PATH', compareType: 'EQUAL_TO', value: '/', ...fields })],
      },
    }),
  );
}

describe('renderHaproxyConfig', () => {
  it.each(CASES)('renders the %s case exactly as its golden file', (name) => {
    expectGolden(`haproxy-${name}.cfg`, render(name));
  });

  it('has a golden file for every case and none for a case that is gone', () => {
    if (UPDATING) return;
    expect(goldenFiles('haproxy').sort()).toEqual(CASES.map((name) => `haproxy-${name}.cfg`).sort());
  });

  it.each(CASES)('renders the %s case identically twice without changing its input', (name) => {
    const input = deepFreeze((HAPROXY_CASES[name] as () => AmphoraConfigInput)());
    expect(renderHaproxyConfig(input)).toBe(renderHaproxyConfig(input));
  });

  it('keeps every hostile value inside its directive: the only unindented lines are section headers', () => {
    const headers = render('hostile-values')
      .split('\n')
      .filter((line) => /^\S/.test(line));
    expect(headers).toEqual([
      `# haproxy configuration for load balancer ${ids.loadBalancer}`,
      'global',
      'defaults',
      `frontend ${ids.listener(1)}`,
      `backend ${ids.pool(1)}:${ids.listener(1)}`,
    ]);
  });

  it('lets a pool policy at position 1 win over a REJECT at position 2, though haproxy runs rules by kind', () => {
    const config = render('l7-actions');
    expect(config).toContain(
      `http-request set-var(txn.l7_pool) str(${ids.pool(2)}:${ids.listener(1)}) if ${ids.rule(3)}\n`,
    );
    expect(config).toContain(`http-request deny if ${ids.rule(4)} !{ var(txn.l7_pool) -m found }\n`);
    expect(config.indexOf(`if ${ids.rule(3)}`)).toBeLessThan(config.indexOf(`deny if ${ids.rule(4)}`));
  });

  it('leaves UDP and SCTP listeners to keepalived', () => {
    const config = render('admin-down-and-deleting');
    expect(config).not.toContain(ids.listener(6));
    expect(config).not.toContain(ids.listener(8));
  });

  it('names certificate files by a hash of their reference under paths.certs and the load balancer id', () => {
    const input = (HAPROXY_CASES['terminated-https'] as () => AmphoraConfigInput)();
    const config = renderHaproxyConfig({ ...input, paths: { certs: '/srv/certs' } });
    const file = tlsFileName('https://key-manager.example/v1/containers/default');
    expect(file).toMatch(/^[0-9a-f]{32}\.pem$/);
    expect(config).toContain(`ssl crt /srv/certs/${ids.loadBalancer}/${file} `);
    expect(config).toContain(`stats socket /var/lib/octavia/${ids.loadBalancer}/haproxy.sock `);
  });

  it.each([
    ['a header name that is not an HTTP token', oneRule({ type: 'HEADER', key: 'X Bad' })],
    ['a header rule without a key', oneRule({ type: 'HEADER' })],
    ['a cookie name with a comma', oneRule({ type: 'COOKIE', key: 'a,b' })],
    ['an SSL verify result that is not a number', oneRule({ type: 'SSL_VERIFY_RESULT', value: '0 || 1' })],
    [
      'a redirect URL with a line break',
      oneRule({}, { action: 'REDIRECT_TO_URL', redirectUrl: 'https://x/\r\nSet-Cookie: a=b' }),
    ],
    ['a redirect prefix with a blank', oneRule({}, { action: 'REDIRECT_PREFIX', redirectPrefix: 'https://x/ y' })],
    [
      'a redirect code haproxy does not send',
      oneRule({}, { action: 'REDIRECT_TO_URL', redirectUrl: 'https://x/', redirectHttpCode: 200 }),
    ],
  ])('refuses %s', (_, input) => {
    expect(() => renderHaproxyConfig(input)).toThrow(UnrenderableValueError);
  });

  it('refuses client authentication without a CA rather than accept every client', () => {
    const input = inputFor(
      loadBalancer({
        tree: {
          listeners: [
            listener(1, {
              protocol: 'TERMINATED_HTTPS',
              protocolPort: 443,
              defaultTlsContainerRef: 'tls',
              clientAuthentication: 'MANDATORY',
            }),
          ],
        },
      }),
    );
    expect(() => renderHaproxyConfig(input)).toThrow(/clientCaTlsContainerRef is required by clientAuthentication/);
  });

  it('refuses an id that haproxy cannot use as a proxy name, naming the object', () => {
    const input = inputFor(
      loadBalancer({ tree: { listeners: [listener(1, { protocol: 'TCP', protocolPort: 80, id: 'evil id' })] } }),
    );
    expect(() => renderHaproxyConfig(input)).toThrow(/for listener "evil id": id "evil id" must be letters/);
  });

  it('refuses an allowed CIDR that is not one', () => {
    const input = inputFor(
      loadBalancer({
        tree: { listeners: [listener(1, { protocol: 'TCP', protocolPort: 80, allowedCidrs: ['10.0.0.0/8 }'] })] },
      }),
    );
    expect(() => renderHaproxyConfig(input)).toThrow(UnrenderableValueError);
  });

  it('refuses an ACTIVE_STANDBY amphora without a VRRP address', () => {
    const lb = loadBalancer({ topology: 'ACTIVE_STANDBY', tree: {} });
    const input = { loadBalancer: lb, amphora: { ...lb.amphorae[0]!, vrrpIp: undefined } };
    expect(() => renderHaproxyConfig(input)).toThrow(/vrrpIp must be an IP address/);
  });

  it('refuses an APP_COOKIE pool without a cookie name', () => {
    const input = inputFor(
      loadBalancer({
        tree: {
          listeners: [listener(1, { protocol: 'HTTP', protocolPort: 80, defaultPoolId: ids.pool(1) })],
          pools: [
            pool(1, { protocol: 'HTTP', lbAlgorithm: 'ROUND_ROBIN', sessionPersistence: { type: 'APP_COOKIE' } }),
          ],
        },
      }),
    );
    expect(() => renderHaproxyConfig(input)).toThrow(/sessionPersistence.cookieName/);
  });
});

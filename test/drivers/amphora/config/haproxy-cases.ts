import { INSERT_HEADERS } from '../../../../src/models';
import type { AmphoraConfigInput } from '../../../../src/drivers/amphora/config';
import { L7_CASES } from './l7-cases';
import { STATE_CASES } from './state-cases';
import { ids, inputFor, listener, loadBalancer, member, monitor, pool } from './trees';

const ref = (name: string) => `https://key-manager.example/v1/containers/${name}`;

/** haproxy golden cases: the golden file `haproxy-<name>.cfg` holds each one's rendering. */
export const HAPROXY_CASES: Record<string, () => AmphoraConfigInput> = {
  /** HTTP with headers, source CIDRs, limits and timeouts; an HTTP/1.1 monitor with a Host and status ranges. */
  http: () =>
    inputFor(
      loadBalancer({
        tree: {
          listeners: [
            listener(1, {
              protocol: 'HTTP',
              protocolPort: 80,
              defaultPoolId: ids.pool(1),
              connectionLimit: 1000,
              timeoutClientData: 0,
              timeoutMemberConnect: 3000,
              timeoutMemberData: 60_000,
              timeoutTcpInspect: 2000,
              allowedCidrs: ['192.0.2.0/24', '198.51.100.7', '2001:db8::/32'],
              insertHeaders: {
                'X-Forwarded-For': 'true',
                'X-Forwarded-Port': 'true',
                'X-Forwarded-Proto': 'true',
                'X-SSL-Client-DN': 'true',
              },
            }),
          ],
          pools: [pool(1, { protocol: 'HTTP', lbAlgorithm: 'ROUND_ROBIN' })],
          members: [
            member(1, 1, { address: '10.0.1.11', protocolPort: 8080, weight: 3 }),
            member(2, 1, {
              address: '10.0.1.12',
              protocolPort: 8080,
              backup: true,
              monitorAddress: '10.0.2.12',
              monitorPort: 9000,
            }),
            member(3, 1, { address: '10.0.1.13', protocolPort: 8080, adminStateUp: false, weight: 0 }),
          ],
          healthMonitors: [
            monitor(1, 1, {
              type: 'HTTP',
              httpMethod: 'HEAD',
              urlPath: '/healthz',
              expectedCodes: '200, 202-204',
              httpVersion: 1.1,
              domainName: 'www.example.com',
              maxRetriesDown: 4,
            }),
          ],
        },
      }),
    ),
  /** TCP and HTTPS pass-through on an IPv6 VIP: every other algorithm, SOURCE_IP persistence, TCP/TLS-HELLO/PING. */
  'tcp-and-https': () =>
    inputFor(
      loadBalancer({
        vipAddress: '2001:db8::100',
        tree: {
          listeners: [
            listener(1, { protocol: 'TCP', protocolPort: 5432, connectionLimit: -1, defaultPoolId: ids.pool(1) }),
            listener(2, { protocol: 'HTTPS', protocolPort: 443, connectionLimit: 20_000, defaultPoolId: ids.pool(2) }),
            listener(3, { protocol: 'TCP', protocolPort: 6000, defaultPoolId: ids.pool(3) }),
            listener(4, { protocol: 'TCP', protocolPort: 6001, defaultPoolId: ids.pool(4) }),
          ],
          pools: [
            pool(1, { protocol: 'TCP', lbAlgorithm: 'LEAST_CONNECTIONS', sessionPersistence: { type: 'SOURCE_IP' } }),
            pool(2, { protocol: 'HTTPS', lbAlgorithm: 'SOURCE_IP' }),
            pool(3, { protocol: 'PROXY', lbAlgorithm: 'ROUND_ROBIN' }),
            // Cookie persistence needs HTTP: left out on a TCP listener.
            pool(4, {
              protocol: 'PROXYV2',
              lbAlgorithm: 'SOURCE_IP_PORT',
              sessionPersistence: { type: 'HTTP_COOKIE' },
            }),
          ],
          members: [
            member(1, 1, { address: '2001:db8:1::11', protocolPort: 5432 }),
            member(2, 1, { address: '10.0.1.12', protocolPort: 5432, weight: 256 }),
            member(3, 2, { address: '10.0.1.21', protocolPort: 8443 }),
            member(4, 3, { address: '10.0.1.31', protocolPort: 7000 }),
            member(5, 4, { address: '10.0.1.41', protocolPort: 7001 }),
          ],
          healthMonitors: [
            monitor(1, 1, { type: 'TCP', delay: 10, timeout: 5, maxRetries: 3, maxRetriesDown: 2 }),
            // haproxy refuses `inter 0` and `timeout check 0s`: both are left to haproxy's defaults.
            monitor(2, 2, { type: 'TLS-HELLO', delay: 0, timeout: 0 }),
            monitor(3, 3, { type: 'PING', delay: 15 }),
          ],
        },
      }),
    ),
  /** TERMINATED_HTTPS: SNI, client authentication with CRL, TLS settings, HSTS, X-SSL headers, re-encryption. */
  'terminated-https': () =>
    inputFor(
      loadBalancer({
        tree: {
          listeners: [
            listener(1, {
              protocol: 'TERMINATED_HTTPS',
              protocolPort: 443,
              defaultPoolId: ids.pool(1),
              defaultTlsContainerRef: ref('default'),
              // The default certificate listed again among the SNI ones is loaded once.
              sniContainerRefs: [ref('sni-a'), ref('default'), ref('sni-b')],
              clientCaTlsContainerRef: ref('client-ca'),
              clientAuthentication: 'MANDATORY',
              clientCrlContainerRef: ref('client-crl'),
              tlsVersions: ['TLSv1.2', 'TLSv1.3'],
              tlsCiphers: 'ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:!aNULL',
              alpnProtocols: ['h2', 'http/1.1'],
              hstsMaxAge: 31_536_000,
              hstsIncludeSubdomains: true,
              hstsPreload: true,
              insertHeaders: Object.fromEntries(INSERT_HEADERS.map((header) => [header, 'true'])),
            }),
            listener(2, {
              protocol: 'TERMINATED_HTTPS',
              protocolPort: 8443,
              defaultPoolId: ids.pool(2),
              defaultTlsContainerRef: ref('second'),
              clientCaTlsContainerRef: ref('client-ca'),
              clientAuthentication: 'OPTIONAL',
              hstsMaxAge: 600,
            }),
            listener(3, {
              protocol: 'TERMINATED_HTTPS',
              protocolPort: 9443,
              defaultPoolId: ids.pool(3),
              defaultTlsContainerRef: ref('third'),
              tlsVersions: ['TLSv1', 'TLSv1.3'],
            }),
          ],
          pools: [
            pool(1, {
              protocol: 'HTTP',
              lbAlgorithm: 'ROUND_ROBIN',
              sessionPersistence: { type: 'HTTP_COOKIE' },
              tlsEnabled: true,
              tlsContainerRef: ref('pool-client-cert'),
              caTlsContainerRef: ref('pool-ca'),
              crlContainerRef: ref('pool-crl'),
              tlsVersions: ['TLSv1.2', 'TLSv1.3'],
              tlsCiphers: 'ECDHE-RSA-AES128-GCM-SHA256',
              alpnProtocols: ['h2', 'http/1.1'],
            }),
            pool(2, {
              protocol: 'PROXYV2',
              lbAlgorithm: 'LEAST_CONNECTIONS',
              sessionPersistence: { type: 'APP_COOKIE', cookieName: 'JSESSIONID' },
            }),
            pool(3, { protocol: 'HTTP', lbAlgorithm: 'SOURCE_IP', tlsEnabled: true }),
          ],
          members: [
            member(1, 1, { address: '10.0.1.11', protocolPort: 443 }),
            member(2, 1, { address: '10.0.1.12', protocolPort: 443 }),
            member(3, 2, { address: '10.0.1.21', protocolPort: 8080 }),
            member(4, 3, { address: '10.0.1.31', protocolPort: 8443 }),
          ],
          healthMonitors: [
            monitor(1, 1, { type: 'HTTPS', urlPath: '/status', expectedCodes: '200' }),
            monitor(2, 2, { type: 'HTTPS', httpVersion: 1.0, expectedCodes: '200,301' }),
            monitor(3, 3, { type: 'HTTPS', httpMethod: 'GET' }),
          ],
        },
      }),
    ),
  ...L7_CASES,
  ...STATE_CASES,
};

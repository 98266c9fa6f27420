import { createHash } from 'node:crypto';
import type { Listener, Pool } from '../../../models';
import { fail, nameOf, type Owner } from './checks';
import type { ConfigModel } from './model';
import { haproxyWord } from './quote';

/**
 * The name of the PEM file a certificate reference is written to on the amphora: a hash of the reference, so any
 * reference (a Barbican URL, a secret id) maps to a fixed, safe file name. Whoever uploads the certificates uses it
 * too.
 *
 * @param ref - a TLS container or secret reference
 * @returns `<32 hex digits>.pem`
 */
export function tlsFileName(ref: string): string {
  return `${createHash('sha256').update(ref).digest('hex').slice(0, 32)}.pem`;
}

/** The amphora's path of the PEM file for `ref`: `<paths.certs>/<loadBalancerId>/<tlsFileName(ref)>`. */
export function tlsFilePath(model: ConfigModel, ref: string): string {
  const lb = model.loadBalancer;
  return `${model.paths.certs}/${nameOf({ type: 'loadbalancer', id: lb.id })}/${tlsFileName(ref)}`;
}

/** Octavia's TLS version names and the haproxy option that turns each off. */
const VERSION_OFF: Record<string, string> = {
  SSLv3: 'no-sslv3',
  TLSv1: 'no-tlsv10',
  'TLSv1.1': 'no-tlsv11',
  'TLSv1.2': 'no-tlsv12',
  'TLSv1.3': 'no-tlsv13',
};

interface TlsSettings {
  tlsCiphers?: string | undefined;
  tlsVersions?: string[] | undefined;
  alpnProtocols?: string[] | undefined;
}

/**
 * `ciphers`, the `no-<version>` options for the versions not allowed (as Octavia: a version list can leave holes,
 * which `ssl-min-ver`/`ssl-max-ver` cannot), and `alpn`, each only when the object sets it.
 */
function protocolOptions(owner: Owner, settings: TlsSettings): string[] {
  const options: string[] = [];
  if (settings.tlsCiphers !== undefined) {
    if (!/^[A-Za-z0-9:_+!@=.-]+$/.test(settings.tlsCiphers)) {
      fail(owner, 'tlsCiphers', settings.tlsCiphers, 'must be an OpenSSL cipher list');
    }
    options.push(`ciphers ${haproxyWord(settings.tlsCiphers)}`);
  }
  const versions = settings.tlsVersions;
  if (versions !== undefined) {
    const unknown = versions.find((v) => VERSION_OFF[v] === undefined);
    if (unknown !== undefined)
      fail(owner, 'tlsVersions', unknown, `must be one of ${Object.keys(VERSION_OFF).join(', ')}`);
    if (versions.length === 0) fail(owner, 'tlsVersions', versions, 'must allow at least one version');
    for (const [version, off] of Object.entries(VERSION_OFF)) if (!versions.includes(version)) options.push(off);
  }
  const alpn = settings.alpnProtocols;
  if (alpn !== undefined && alpn.length > 0) {
    const bad = alpn.find((p) => !/^[A-Za-z0-9._/-]+$/.test(p));
    if (bad !== undefined) fail(owner, 'alpnProtocols', bad, 'must be an ALPN protocol id such as h2 or http/1.1');
    options.push(`alpn ${alpn.join(',')}`);
  }
  return options;
}

const VERIFY: Record<Listener['clientAuthentication'], string> = {
  NONE: 'none',
  OPTIONAL: 'optional',
  MANDATORY: 'required',
};

/**
 * The TLS options of a TERMINATED_HTTPS listener's `bind`: its default certificate, one more `crt` per SNI
 * certificate (haproxy picks among them by the names in the certificates, the first being the default), the client
 * CA, verification mode and CRL, then versions, ciphers and ALPN.
 *
 * @throws UnrenderableValueError without a default certificate, or with client authentication but no CA
 */
export function bindTlsOptions(model: ConfigModel, listener: Listener): string[] {
  const owner = { type: 'listener', id: listener.id };
  if (listener.defaultTlsContainerRef === undefined) {
    fail(owner, 'defaultTlsContainerRef', undefined, 'is required by TERMINATED_HTTPS');
  }
  const refs = [listener.defaultTlsContainerRef, ...listener.sniContainerRefs];
  // haproxy would load a certificate listed twice twice; keep the first mention.
  const options = ['ssl', ...refs.filter((r, i) => refs.indexOf(r) === i).map((r) => `crt ${tlsFilePath(model, r)}`)];
  if (listener.clientCaTlsContainerRef !== undefined) {
    options.push(`ca-file ${tlsFilePath(model, listener.clientCaTlsContainerRef)}`);
    options.push(`verify ${VERIFY[listener.clientAuthentication]}`);
    if (listener.clientCrlContainerRef !== undefined) {
      options.push(`crl-file ${tlsFilePath(model, listener.clientCrlContainerRef)}`);
    }
  } else if (listener.clientAuthentication !== 'NONE') {
    // Rendering without verification would silently accept every client: refuse instead.
    fail(
      owner,
      'clientCaTlsContainerRef',
      undefined,
      `is required by clientAuthentication ${listener.clientAuthentication}`,
    );
  }
  return [...options, ...protocolOptions(owner, listener)];
}

/**
 * The TLS options of a re-encrypting pool's `server` lines: `ssl`, its client certificate, the CA that verifies
 * the members (with its CRL) or `verify none` without one, SNI from the client's, then versions, ciphers, ALPN.
 */
export function serverTlsOptions(model: ConfigModel, pool: Pool): string[] {
  const options = ['ssl'];
  if (pool.tlsContainerRef !== undefined) options.push(`crt ${tlsFilePath(model, pool.tlsContainerRef)}`);
  if (pool.caTlsContainerRef !== undefined) {
    options.push(`ca-file ${tlsFilePath(model, pool.caTlsContainerRef)}`, 'verify required');
    if (pool.crlContainerRef !== undefined) options.push(`crl-file ${tlsFilePath(model, pool.crlContainerRef)}`);
  } else {
    options.push('verify none');
  }
  options.push('sni ssl_fc_sni');
  return [...options, ...protocolOptions({ type: 'pool', id: pool.id }, pool)];
}

/** The `Strict-Transport-Security` value of a TERMINATED_HTTPS listener, when it sets a max age. */
export function hstsValue(listener: Listener): string | undefined {
  if (listener.hstsMaxAge === undefined) return undefined;
  const directives = [`max-age=${listener.hstsMaxAge};`];
  if (listener.hstsIncludeSubdomains) directives.push('includeSubDomains;');
  if (listener.hstsPreload) directives.push('preload;');
  return directives.join(' ');
}

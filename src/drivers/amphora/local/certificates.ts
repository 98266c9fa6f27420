/** X.509 certificates for the local data plane: ECDSA P-256 keys and certificates made with @peculiar/x509. */
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { randomBytes, webcrypto } from 'node:crypto';

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

// x509 signs and hashes through WebCrypto; Node's implements it (the lib's types name the DOM's interface).
x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
const DAY_MS = 24 * 60 * 60 * 1000;
/** Certificates start an hour in the past: a clock a little behind must not see them as not yet valid. */
const SKEW_MS = 60 * 60 * 1000;

/** A key pair and its certificate. */
export interface Issued {
  cert: x509.X509Certificate;
  keys: CryptoKeyPair;
}

/** A CA to sign with. */
export interface Authority {
  cert: x509.X509Certificate;
  privateKey: CryptoKey;
}

function generateKeys(): Promise<CryptoKeyPair> {
  return webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
}

/** A positive 128-bit serial number, hex. */
function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  return bytes.toString('hex');
}

/** A self-signed CA certificate valid for `days`, allowed to sign end-entity certificates only. */
export async function createAuthority(commonName: string, days: number): Promise<Issued> {
  const keys = await generateKeys();
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serialNumber(),
    name: `CN=${commonName}`,
    notBefore: new Date(now - SKEW_MS),
    notAfter: new Date(now + days * DAY_MS),
    keys,
    signingAlgorithm: ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { cert, keys };
}

/** What an end-entity certificate is for. */
export interface LeafRequest {
  commonName: string;
  /** DNS names of the subject alternative name extension. */
  dnsNames: string[];
  usage: 'serverAuth' | 'clientAuth';
  days: number;
}

/** An end-entity certificate signed by `authority`, usable only as `request.usage` says. */
export async function issueLeaf(authority: Authority, request: LeafRequest): Promise<Issued> {
  const keys = await generateKeys();
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serialNumber(),
    subject: `CN=${request.commonName}`,
    issuer: authority.cert.subject,
    notBefore: new Date(now - SKEW_MS),
    notAfter: new Date(Math.min(now + request.days * DAY_MS, authority.cert.notAfter.getTime())),
    publicKey: keys.publicKey,
    signingKey: authority.privateKey,
    signingAlgorithm: ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage[request.usage]]),
      ...(request.dnsNames.length > 0
        ? [new x509.SubjectAlternativeNameExtension(request.dnsNames.map((value) => ({ type: 'dns' as const, value })))]
        : []),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(authority.cert.publicKey),
    ],
  });
  return { cert, keys };
}

/** A private key as PKCS#8 PEM, which Node's TLS reads. */
export async function privateKeyPem(key: CryptoKey): Promise<string> {
  const der = await webcrypto.subtle.exportKey('pkcs8', key);
  return `${x509.PemConverter.encode(der, 'PRIVATE KEY')}\n`;
}

/** A certificate as PEM. */
export function certificatePem(cert: x509.X509Certificate): string {
  return `${cert.toString('pem')}\n`;
}

/** Reads back what {@link privateKeyPem} and {@link certificatePem} wrote. */
export async function readAuthority(certPem: string, keyPem: string): Promise<Authority> {
  const der = x509.PemConverter.decodeFirst(keyPem);
  const privateKey = await webcrypto.subtle.importKey('pkcs8', der, ALGORITHM, false, ['sign']);
  return { cert: new x509.X509Certificate(certPem), privateKey };
}

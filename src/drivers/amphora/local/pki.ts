/**
 * The controller's PKI for amphora agents, as Octavia's: a CA the controller creates at first start, a client
 * certificate with which the controller authenticates to every agent, and a server certificate per amphora
 * (delivered in its config drive) that the controller checks names the amphora it means to talk to.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CONTROLLER_CERT_NAME } from '../../../agent/api';
import {
  certificatePem,
  createAuthority,
  issueLeaf,
  privateKeyPem,
  readAuthority,
  type Authority,
} from './certificates';

/** The controller's CA and client identity. Its keys are not enumerable: JSON, logs and `inspect` leave them out. */
export interface LocalPki {
  caCertPem: string;
  clientCertPem: string;
  clientKeyPem: string;
  /**
   * A server certificate for the agent of amphora `amphoraId`: CN and DNS name = the id, serverAuth only, signed by
   * the CA. Nothing is written to disk: the certificate goes into the amphora's config drive.
   */
  issueAmphoraCertificate(amphoraId: string): Promise<{ certPem: string; keyPem: string }>;
}

/** The files in the PKI directory. Keys are mode 0600. */
export const PKI_FILES = {
  caCert: 'ca.pem',
  caKey: 'ca.key',
  clientCert: 'controller.pem',
  clientKey: 'controller.key',
  lock: '.create.lock',
} as const;

const CA_DAYS = 3650;
const CLIENT_DAYS = 3650;
const AMPHORA_DAYS = 730;
/** How long a process waits for another one that is creating the PKI. */
const CREATE_WAIT_MS = 15_000;

/**
 * Loads the controller's CA from `dir`, creating it (and the controller's client certificate) at first start.
 * Safe when several processes start at once: one creates under an exclusive lock file, the others wait and read
 * its files; a lock left by a dead process is taken over. Files are written whole (temporary file, then rename).
 * An existing CA is never replaced: a missing client certificate is issued from it.
 *
 * @throws Error naming `dir` when it cannot be created or read, or when another creator holds the lock too long.
 */
export async function loadOrCreatePki(dir: string): Promise<LocalPki> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const deadline = Date.now() + CREATE_WAIT_MS;
  for (;;) {
    const loaded = await readPki(dir);
    if (loaded) return loaded;
    const lock = await acquireLock(dir);
    if (lock) {
      try {
        return (await readPki(dir)) ?? (await createPki(dir));
      } finally {
        await lock.release();
      }
    }
    if (Date.now() > deadline) {
      throw new Error(
        `Another process has been creating the amphora PKI in ${dir} for ${CREATE_WAIT_MS} ms; remove ${join(dir, PKI_FILES.lock)} if no one is`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** The PKI from its four files, or undefined when any is missing. */
async function readPki(dir: string): Promise<LocalPki | undefined> {
  const read = (name: string) => readFile(join(dir, name), 'utf8').catch(() => undefined);
  const [caCert, caKey, clientCert, clientKey] = await Promise.all([
    read(PKI_FILES.caCert),
    read(PKI_FILES.caKey),
    read(PKI_FILES.clientCert),
    read(PKI_FILES.clientKey),
  ]);
  if (!caCert || !caKey || !clientCert || !clientKey) return undefined;
  return makePki(await readAuthority(caCert, caKey), clientCert, clientKey);
}

/** Creates what is missing: the CA (unless there is one) and the controller's client certificate. */
async function createPki(dir: string): Promise<LocalPki> {
  const caCert = await readFile(join(dir, PKI_FILES.caCert), 'utf8').catch(() => undefined);
  const caKey = await readFile(join(dir, PKI_FILES.caKey), 'utf8').catch(() => undefined);
  let authority: Authority;
  if (caCert && caKey) {
    authority = await readAuthority(caCert, caKey);
  } else {
    const ca = await createAuthority('amphora-orchestrator local CA', CA_DAYS);
    authority = { cert: ca.cert, privateKey: ca.keys.privateKey };
    // The key first: a certificate without its key would look like a complete CA to the next reader.
    await writeWhole(join(dir, PKI_FILES.caKey), await privateKeyPem(ca.keys.privateKey), 0o600);
    await writeWhole(join(dir, PKI_FILES.caCert), certificatePem(ca.cert), 0o644);
  }
  const client = await issueLeaf(authority, {
    commonName: CONTROLLER_CERT_NAME,
    dnsNames: [],
    usage: 'clientAuth',
    days: CLIENT_DAYS,
  });
  const clientKeyPem = await privateKeyPem(client.keys.privateKey);
  const clientCertPem = certificatePem(client.cert);
  await writeWhole(join(dir, PKI_FILES.clientKey), clientKeyPem, 0o600);
  await writeWhole(join(dir, PKI_FILES.clientCert), clientCertPem, 0o644);
  return makePki(authority, clientCertPem, clientKeyPem);
}

function makePki(authority: Authority, clientCertPem: string, clientKeyPem: string): LocalPki {
  const pki = {
    caCertPem: certificatePem(authority.cert),
    clientCertPem,
    async issueAmphoraCertificate(amphoraId: string) {
      const leaf = await issueLeaf(authority, {
        commonName: amphoraId,
        dnsNames: [amphoraId],
        usage: 'serverAuth',
        days: AMPHORA_DAYS,
      });
      return { certPem: certificatePem(leaf.cert), keyPem: await privateKeyPem(leaf.keys.privateKey) };
    },
  };
  Object.defineProperty(pki, 'clientKeyPem', { value: clientKeyPem, enumerable: false });
  return pki as LocalPki;
}

/** Writes `text` to a temporary file beside `path` and renames it over `path`: readers see all of it or none. */
async function writeWhole(path: string, text: string, mode: number): Promise<void> {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(tmp, text, { mode, flag: 'wx' });
  await rename(tmp, path);
}

/** Takes the creation lock (exclusive create), or undefined while a live process holds it. */
async function acquireLock(dir: string): Promise<{ release(): Promise<void> } | undefined> {
  const path = join(dir, PKI_FILES.lock);
  try {
    const handle = await open(path, 'wx', 0o600);
    await handle.writeFile(String(process.pid));
    await handle.close();
    return { release: () => rm(path, { force: true }) };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const owner = Number(await readFile(path, 'utf8').catch(() => ''));
  if (owner > 0 && !alive(owner)) await rm(path, { force: true });
  return undefined;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

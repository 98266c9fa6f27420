import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { promisify } from 'node:util';
import { buildSync } from 'esbuild';
import { loadOrCreatePki, PKI_FILES } from '../../../../src/drivers/amphora/local/pki';

const run = promisify(execFile);

describe('loadOrCreatePki', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'amphora-pki-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates a 10-year CA and a controller client certificate, keys readable by the owner only', async () => {
    const pki = await loadOrCreatePki(join(dir, 'pki'));
    const ca = new X509Certificate(pki.caCertPem);
    const client = new X509Certificate(pki.clientCertPem);
    expect(ca.ca).toBe(true);
    expect(new Date(ca.validTo).getTime() - Date.now()).toBeGreaterThan(9.9 * 365 * 24 * 3600 * 1000);
    expect(client.subject).toBe('CN=amphora-controller');
    expect(client.checkIssued(ca)).toBe(true);
    expect(client.verify(ca.publicKey)).toBe(true);
    expect(client.keyUsage).toEqual(['1.3.6.1.5.5.7.3.2']);
    for (const key of [PKI_FILES.caKey, PKI_FILES.clientKey]) {
      expect(statSync(join(dir, 'pki', key)).mode & 0o777).toBe(0o600);
    }
    expect(statSync(join(dir, 'pki')).mode & 0o777).toBe(0o700);
  });

  it('keeps its keys out of JSON and inspection', async () => {
    const pki = await loadOrCreatePki(dir);
    expect(pki.clientKeyPem).toMatch(/BEGIN PRIVATE KEY/);
    expect(JSON.stringify(pki)).not.toMatch(/PRIVATE KEY/);
    expect(Object.keys(pki)).not.toContain('clientKeyPem');
  });

  it('loads the same CA at the next start', async () => {
    const first = await loadOrCreatePki(dir);
    const second = await loadOrCreatePki(dir);
    expect(second.caCertPem).toBe(first.caCertPem);
    expect(second.clientCertPem).toBe(first.clientCertPem);
  });

  it('issues amphora certificates naming the amphora, for servers only, signed by the CA', async () => {
    const pki = await loadOrCreatePki(dir);
    const issued = await pki.issueAmphoraCertificate('3f2c9a4e-0000-4000-8000-000000000001');
    const cert = new X509Certificate(issued.certPem);
    expect(cert.subject).toBe('CN=3f2c9a4e-0000-4000-8000-000000000001');
    expect(cert.subjectAltName).toBe('DNS:3f2c9a4e-0000-4000-8000-000000000001');
    expect(cert.checkHost('3f2c9a4e-0000-4000-8000-000000000001')).toBe('3f2c9a4e-0000-4000-8000-000000000001');
    expect(cert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
    expect(cert.verify(new X509Certificate(pki.caCertPem).publicKey)).toBe(true);
    expect(issued.keyPem).toMatch(/BEGIN PRIVATE KEY/);
  });

  it('makes one CA when several processes create it at the same time', async () => {
    const script = join(dir, 'load.js');
    buildSync({
      stdin: {
        contents: `require('${join(__dirname, '../../../../src/drivers/amphora/local/pki.ts')}').loadOrCreatePki(process.argv[2]).then((p) => process.stdout.write(p.caCertPem + p.clientCertPem))`,
        resolveDir: __dirname,
        loader: 'ts',
      },
      bundle: true,
      platform: 'node',
      target: 'node20',
      outfile: script,
      logLevel: 'error',
    });
    const target = join(dir, 'shared');
    const outputs = await Promise.all(
      Array.from({ length: 4 }, () => run(process.execPath, [script, target]).then((r) => r.stdout)),
    );
    expect(new Set(outputs).size).toBe(1);
    expect((await loadOrCreatePki(target)).caCertPem + (await loadOrCreatePki(target)).clientCertPem).toBe(outputs[0]);
  });
});

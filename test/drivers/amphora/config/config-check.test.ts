import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DEFAULT_AMPHORA_PATHS, VRRP_INTERFACE } from '../../../../src/drivers/amphora/config';
import { ensureDebianPackages } from '../../../harness/debian-packages';
import { GOLDEN_DIR, goldenFiles } from './golden';

/**
 * Every golden file checked by the real programs, as Debian ships them: `haproxy -c` (with `-dW`, so a warning
 * fails too) and `keepalived -t`. The check reads the golden files themselves, so it fails if a golden that the
 * renderer tests accept is one that haproxy or keepalived would refuse.
 */
let dir: string;
/** A self-signed certificate, its key and a CRL it signed, in one PEM: every crt, ca-file and crl-file in one. */
let pem: string;

/** Runs a program and keeps all it says, for the assertion message. */
function run(command: string, args: string[]): { status: number | null; output: string } {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}${result.error?.message ?? ''}` };
}

function makePem(): string {
  const pki = join(dir, 'pki');
  mkdirSync(pki);
  const at = (file: string) => join(pki, file);
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '3650',
      '-subj',
      '/CN=amphora-config-test',
      '-keyout',
      at('key.pem'),
      '-out',
      at('cert.pem'),
    ],
    { stdio: 'pipe' },
  );
  writeFileSync(at('index.txt'), '');
  writeFileSync(at('crlnumber'), '01\n');
  writeFileSync(
    at('ca.cnf'),
    `[ca]\ndefault_ca = test\n[test]\ndatabase = ${at('index.txt')}\ncrlnumber = ${at('crlnumber')}\ndefault_md = sha256\ndefault_crl_days = 3650\n`,
  );
  execFileSync(
    'openssl',
    [
      'ca',
      '-gencrl',
      '-config',
      at('ca.cnf'),
      '-keyfile',
      at('key.pem'),
      '-cert',
      at('cert.pem'),
      '-out',
      at('crl.pem'),
    ],
    { stdio: 'pipe' },
  );
  const bundle = at('bundle.pem');
  writeFileSync(bundle, ['cert.pem', 'key.pem', 'crl.pem'].map((f) => readFileSync(at(f), 'utf8')).join(''));
  return bundle;
}

beforeAll(async () => {
  await ensureDebianPackages(['haproxy', 'keepalived', 'openssl', { package: 'iproute2', command: 'ip' }]);
  dir = mkdtempSync(join(tmpdir(), 'amphora-config-check-'));
  pem = makePem();
}, 300_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('haproxy -c', () => {
  it.each(goldenFiles('haproxy'))('accepts %s without a warning', (file) => {
    // The goldens name certificates under the amphora's directory; here they must exist, so they move to ours.
    const certs = join(dir, 'certs');
    const config = readFileSync(join(GOLDEN_DIR, file), 'utf8').replaceAll(
      `${DEFAULT_AMPHORA_PATHS.certs}/`,
      `${certs}/`,
    );
    for (const [path] of config.matchAll(new RegExp(`${certs}/\\S+`, 'g'))) {
      mkdirSync(dirname(path), { recursive: true });
      copyFileSync(pem, path);
    }
    const path = join(dir, file);
    writeFileSync(path, config);
    expect(run('haproxy', ['-c', '-dW', '-f', path])).toEqual({ status: 0, output: 'Configuration file is valid\n' });
  });
});

describe('keepalived -t', () => {
  it.each(goldenFiles('keepalived'))('accepts %s without a complaint', (file) => {
    // keepalived checks that the VRRP interface exists: give it one, in a network namespace of its own.
    const script = `ip link add ${VRRP_INTERFACE} type veth peer name vrrp-peer && exec keepalived -t -f "$1"`;
    const result = run('unshare', ['--net', 'sh', '-c', script, 'sh', join(GOLDEN_DIR, file)]);
    expect(result).toEqual({ status: 0, output: '' });
  });
});

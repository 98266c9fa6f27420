import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

/** Debian's Chromium: the UI test drives it through playwright-core, which downloads no browser of its own. */
export const CHROMIUM = '/usr/bin/chromium';

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Installs Debian's Chromium when it is missing, so that `npm test` passes on a fresh machine as it is (the test
 * set-up installs what a test needs). Only root can; anyone else is told the command.
 *
 * @throws Error saying how to install Chromium when it is missing and this is not root, or when apt-get fails.
 */
export function ensureChromium(): void {
  if (existsSync(CHROMIUM)) return;
  const howTo = '`apt-get install -y chromium` (as root), then run the tests again';
  if (process.getuid?.() !== 0) {
    throw new Error(`${CHROMIUM} is missing: the Temporal UI test needs Debian's Chromium. Install it with ${howTo}.`);
  }
  process.stderr.write(`[ui] ${CHROMIUM} is missing: installing Debian's chromium with apt-get (a minute or two)\n`);
  const apt = (args: string[]) =>
    execFileSync('apt-get', args, {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      timeout: 600_000,
    });
  try {
    apt(['update']);
    apt(['install', '-y', '--no-install-recommends', 'chromium']);
  } catch (err) {
    const stderr = (err as { stderr?: Buffer }).stderr?.toString().trim().split('\n').slice(-3).join(' / ');
    throw new Error(`Installing chromium with apt-get failed (${stderr ?? String(err)}); install it with ${howTo}.`, {
      cause: err,
    });
  }
}

/** A headless Chromium with a fresh profile, and what it tried to reach outside 127.0.0.1 (blocked). */
export interface HeadlessChromium {
  context: BrowserContext;
  /** Requests to any host but 127.0.0.1, which were aborted. */
  blocked: string[];
  close(): Promise<void>;
}

/**
 * Starts Debian's Chromium headless with a fresh user-data dir. Every request to a host other than 127.0.0.1 is
 * aborted and noted, so the test sends no traffic anywhere else whatever the page tries.
 *
 * @throws Error saying how to install Chromium when /usr/bin/chromium is missing.
 */
export async function launchChromium(viewport: { width: number; height: number }): Promise<HeadlessChromium> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} is missing: the Temporal UI test needs Debian's Chromium. Install it with ` +
        '`apt-get install -y chromium` (as root; .ci/run does it for you), then run the tests again.',
    );
  }
  const userDataDir = mkdtempSync(join(tmpdir(), 'amphora-chromium-'));
  try {
    const context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: ARGS,
      viewport,
    });
    const blocked: string[] = [];
    await context.route('**/*', async (route) => {
      const url = new URL(route.request().url());
      if (url.hostname === '127.0.0.1' || url.protocol === 'data:') return route.continue();
      blocked.push(url.href);
      return route.abort('blockedbyclient');
    });
    return {
      context,
      blocked,
      async close() {
        await context.close();
        rmSync(userDataDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    rmSync(userDataDir, { recursive: true, force: true });
    throw err;
  }
}

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

/** What a client on the VIP network sees: `curl` run inside the client's namespace, as an operator would run it. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { ClientGuest } from '../drivers/local/guests';
import { httpGet } from '../drivers/local/gateway/http';

const run = promisify(execFile);

/**
 * Sends `count` requests to `url` from the client's namespace with curl (or through its gateway when curl is not
 * installed) and returns each answer's first line, or why it failed.
 */
export async function curlThroughVip(client: ClientGuest, url: string, count: number): Promise<string[]> {
  const answers: string[] = [];
  for (let i = 0; i < count; i += 1) {
    try {
      const { stdout } = await run('ip', ['netns', 'exec', client.namespace, 'curl', '-s', '-S', '-m', '2', url]);
      answers.push(stdout.trim().split('\n')[0] ?? '');
    } catch (err) {
      const code = (err as { code?: string | number }).code;
      if (code === 'ENOENT' || code === 127) {
        try {
          answers.push((await httpGet(client.dial, url, { timeoutMs: 2_000 })).body.trim());
        } catch (failure) {
          answers.push(`failed: ${failure instanceof Error ? failure.message : String(failure)}`);
        }
      } else {
        answers.push(`failed: ${((err as { stderr?: string }).stderr ?? String(err)).trim()}`);
      }
    }
  }
  return answers;
}

/**
 * Waits until the VIP answers (keepalived brings the VIP to the MASTER once its haproxy check passes, and moves it
 * when the MASTER goes) and returns how long that took, or undefined after `timeoutMs`.
 */
export async function waitForAnswer(client: ClientGuest, url: string, timeoutMs: number): Promise<number | undefined> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    const response = await httpGet(client.dial, url, { timeoutMs: 500 }).catch(() => undefined);
    if (response?.status === 200) return Date.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return undefined;
}

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { removeStaleLabs, waitFor } from './fixtures/lab';
import { alive, ip, namespaces } from './fixtures/system';

describe('the agent tests lab', () => {
  it('removes the namespaces, processes and files a crashed run left, and nothing of a live run', async () => {
    // A pid that is certainly dead: a process that ran and was reaped.
    const dead = spawnSync('true').pid ?? 0;
    expect(alive(dead)).toBe(false);
    const stale = `agtest-${dead}-dead-a1`;
    const staleDir = join(tmpdir(), `agtest-${dead}-dead`);
    const live = `agtest-${process.pid}-live-a1`;
    mkdirSync(staleDir, { recursive: true });
    await ip('netns', 'add', stale);
    await ip('netns', 'add', live);
    try {
      const sleeper = spawn('ip', ['netns', 'exec', stale, 'sleep', '300'], { detached: true, stdio: 'ignore' });
      sleeper.unref();
      const pid = sleeper.pid ?? 0;
      await waitFor(async () => (await ip('netns', 'pids', stale)).includes(String(pid)), 5000, 'the sleeper');
      await removeStaleLabs();
      expect(await namespaces()).not.toContain(stale);
      expect(await namespaces()).toContain(live);
      expect(alive(pid)).toBe(false);
      expect(existsSync(staleDir)).toBe(false);
    } finally {
      await ip('netns', 'del', live).catch(() => undefined);
      await ip('netns', 'del', stale).catch(() => undefined);
    }
  });
});

import { execFile } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/** This folder: the Go module whose program drives the tree through gophercloud. */
const SOURCES = __dirname;
/** Where the program is built: the project's state folder, beside the openstack CLI's virtualenv. */
const BINARY = join(__dirname, '..', '..', '..', '.temporal', 'gophercloud-tree');
const GO = existsSync('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : 'go';

/** The newest modification time of the Go module's files (its sources, go.mod and go.sum). */
function newestSource(): number {
  const sources = readdirSync(SOURCES).filter((name) => name.endsWith('.go') || name === 'go.mod' || name === 'go.sum');
  return Math.max(...sources.map((name) => statSync(join(SOURCES, name)).mtimeMs));
}

/**
 * The gophercloud tree program, built into .temporal/gophercloud-tree unless the binary is newer than every source.
 * The first build fetches gophercloud through the Go module proxy (a few seconds); go.sum pins it, and `-mod=readonly`
 * keeps the build from rewriting go.mod or go.sum. Returns the command line that runs it.
 *
 * @throws Error with go's stderr when the build fails.
 */
export async function gophercloudTree(): Promise<string[]> {
  if (existsSync(BINARY) && statSync(BINARY).mtimeMs > newestSource()) return [BINARY];
  const home = process.env.HOME || homedir();
  const env = {
    ...process.env,
    HOME: home,
    GOPATH: process.env.GOPATH || join(home, 'go'),
    GOCACHE: process.env.GOCACHE || join(home, '.cache', 'go-build'),
    // The module sits inside this repository's git work tree: stamping VCS information would run git for nothing.
    GOFLAGS: '-mod=readonly -buildvcs=false',
  };
  try {
    await promisify(execFile)(GO, ['build', '-o', BINARY, '.'], { cwd: SOURCES, env, timeout: 600_000 });
  } catch (err) {
    const failed = err as Error & { stderr?: string };
    throw new Error(`go build in ${SOURCES} failed: ${failed.stderr || failed.message}`, { cause: err });
  }
  return [BINARY];
}

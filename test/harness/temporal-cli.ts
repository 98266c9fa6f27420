import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const PROJECT_DIR = join(__dirname, '..', '..');

/**
 * Returns the path of the `temporal` CLI, building the pinned version through `temporal-dev.sh install` the first
 * time (its progress goes to stderr so a slow first run is not a silent one).
 */
export function ensureTemporalCli(): string {
  const output = execFileSync(join(PROJECT_DIR, 'temporal-dev.sh'), ['path'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const path = output.trim().split('\n').pop();
  if (!path) throw new Error('temporal-dev.sh path printed no binary path; run ./temporal-dev.sh install to see why');
  return path;
}

/** The search attributes `temporal-dev.sh` registers, as `Name=Type` lines. */
export function scriptSearchAttributes(): string[] {
  return execFileSync(join(PROJECT_DIR, 'temporal-dev.sh'), ['search-attributes'], { encoding: 'utf8' })
    .trim()
    .split('\n');
}

/** The dynamic config `temporal-dev.sh` starts its server with, as `--dynamic-config-value` arguments. */
export function scriptDynamicConfigArgs(): string[] {
  return execFileSync(join(PROJECT_DIR, 'temporal-dev.sh'), ['dynamic-config'], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .flatMap((value) => ['--dynamic-config-value', value]);
}

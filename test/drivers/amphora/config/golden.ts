import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where the golden files live: one `<renderer>-<case>.cfg` per case. */
export const GOLDEN_DIR = join(__dirname, 'golden');

/** Whether this run rewrites the golden files instead of comparing (`UPDATE_GOLDEN=1`). */
export const UPDATING = process.env.UPDATE_GOLDEN === '1';

/**
 * Compares a rendering with its golden file byte for byte, or, with `UPDATE_GOLDEN=1`, writes it there.
 *
 * @param file - the golden file's name in {@link GOLDEN_DIR}
 */
export function expectGolden(file: string, actual: string): void {
  const path = join(GOLDEN_DIR, file);
  if (UPDATING) {
    mkdirSync(GOLDEN_DIR, { recursive: true });
    writeFileSync(path, actual);
    return;
  }
  if (!existsSync(path)) {
    throw new Error(`No golden file ${path}: run UPDATE_GOLDEN=1 npx jest test/drivers/amphora/config, review, commit`);
  }
  expect(actual).toBe(readFileSync(path, 'utf8'));
}

/** The golden files of one renderer (`haproxy` or `keepalived`), by name. */
export function goldenFiles(renderer: string): string[] {
  return readdirSync(GOLDEN_DIR).filter((f) => f.startsWith(`${renderer}-`) && f.endsWith('.cfg'));
}

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { noopComputeSubject } from '../noop/subject';
import { computeDriverContract } from './contract';

computeDriverContract('NoopComputeDriver (memory)', () => noopComputeSubject());

const dir = mkdtempSync(join(tmpdir(), 'noop-compute-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
computeDriverContract('NoopComputeDriver (SQLite)', () =>
  noopComputeSubject({ state: { sqliteFile: join(dir, `state-${(files += 1)}.db`) } }),
);

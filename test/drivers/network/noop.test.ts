import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { noopNetworkSubject } from '../noop/subject';
import { networkDriverContract } from './contract';

networkDriverContract('NoopNetworkDriver (memory)', () => noopNetworkSubject());

const dir = mkdtempSync(join(tmpdir(), 'noop-network-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
networkDriverContract('NoopNetworkDriver (SQLite)', () =>
  noopNetworkSubject({ state: { sqliteFile: join(dir, `state-${(files += 1)}.db`) } }),
);

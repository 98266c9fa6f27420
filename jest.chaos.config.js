/**
 * `npm run test:chaos`: the chaos run (test/chaos), minutes long, so not part of `npm test`. It starts its own
 * Temporal dev server (it restarts it mid-run) and worker processes from the built CLI, so no global setup.
 * @type {import('jest').Config}
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test/chaos'],
  testMatch: ['**/*.chaos.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  testTimeout: 30 * 60_000,
  maxWorkers: 1,
};

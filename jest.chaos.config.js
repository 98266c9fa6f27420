/**
 * `npm run test:chaos`: the chaos run (test/chaos), minutes long, so not part of `npm test`. It starts its own
 * Temporal dev server (it restarts it mid-run) and worker processes from the built CLI, so no global setup.
 * @type {import('jest').Config}
 */
module.exports = {
  testEnvironment: 'node',
  // On the cluster (npm run test:cluster), the script's own tests too: they kill and break services, so they run here,
  // one file at a time, after the suites.
  roots: ['<rootDir>/test/chaos', ...(process.env.CHAOS_TEMPORAL === 'cluster' ? ['<rootDir>/test/cluster'] : [])],
  testMatch: ['**/*.chaos.ts', '**/*.cluster.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  testTimeout: 30 * 60_000,
  maxWorkers: 1,
};

/**
 * `npm run test:cluster` (scripts/test-cluster.sh): the workflow, controller and replay suites against the Temporal
 * cluster of ./temporal-cluster.sh, whose address the script passes in TEMPORAL_ADDRESS (the global setup then starts
 * no dev server). Otherwise as jest.config.js.
 * @type {import('jest').Config}
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test/workflows', '<rootDir>/test/controller', '<rootDir>/test/replay'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  globalSetup: '<rootDir>/test/harness/global-setup.ts',
  globalTeardown: '<rootDir>/test/harness/global-teardown.ts',
  testTimeout: 120_000,
  maxWorkers: 2,
};

/** Unit and integration tests (browser end-to-end tests run with `npm run e2e`). */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests'],
  testMatch: ['**/tests/unit/**/*.test.ts', '**/tests/integration/**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: { warnOnly: false } }] },
  testTimeout: 120000,
  globalSetup: '<rootDir>/tests/support/global-setup.ts',
  // the closing summary of what was skipped and how to install it
  reporters: ['default', '<rootDir>/tests/support/skip-summary.js'],
};

/**
 * Jest runs the TypeScript sources as ESM through SWC (no type-check here:
 * `npm run lint` runs `tsc --noEmit`). Integration tests start their own
 * emulators and servers on 127.0.0.1, so they run in a few workers only.
 */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: { target: 'es2022', parser: { syntax: 'typescript' } },
        module: { type: 'es6' },
      },
    ],
  },
  moduleNameMapper: {
    '^(\\.{1,2}/.*)\\.js$': '$1',
    // In the repository the CLI and tests use the client's sources, not its build.
    '^@sluice/client$': '<rootDir>/client/index.ts',
    '^@sluice/client/defaults$': '<rootDir>/client/defaults.ts',
  },
  testMatch: ['**/?(*.)test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/cdk.out/', '/test/faults/', '/test/browser/'],
  maxWorkers: 2,
  testTimeout: 60000,
};

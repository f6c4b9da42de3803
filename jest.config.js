// Jest runs TypeScript as native ESM (NestJS 12 is ESM-only): see README "Tests".
/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }],
  },
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.test.ts'],
  testTimeout: 60000,
  maxWorkers: 2,
  // A worker runs many files, and what each leaves behind under --experimental-vm-modules (module graphs, Nest
  // applications' closures) adds up: a CI run (2026-12-08) had a worker reach V8's 4 GB heap limit after 13 minutes
  // and crash mid-file. A worker over this after a file is replaced before the next one.
  workerIdleMemoryLimit: '1536MB',
};

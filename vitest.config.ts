import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Worker threads that keep their module cache from one test file to the next: the CLI runs
    // in-process (the few tests of a real process spawn their own), so no test needs a fresh
    // worker, and importing src (ajv validators, yaml, ky) once per worker instead of once per
    // file halves the suite's CPU time.
    pool: 'threads',
    isolate: false,
    // Many tests wait on a sandbox's latency or a child process: four workers keep both cores
    // busy where two left one idle (npm test 78–83 s → 66 s on a 2-core machine).
    maxWorkers: 4,
  },
});

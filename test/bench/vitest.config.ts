// The benchmark harness's own tests (the project's vitest config leaves test/bench out so that
// `npm test` never runs benchmarks): npx vitest run -c test/bench/vitest.config.ts
import {defineConfig} from 'vitest/config';

export default defineConfig({
  test: {include: ['test/bench/**/*.test.ts'], root: `${import.meta.dirname}/../..`, testTimeout: 60_000, pool: 'forks'},
});

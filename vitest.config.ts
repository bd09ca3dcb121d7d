import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "compiler/**/*.test.ts", "runtime/**/*.test.ts", "tools/**/*.test.ts", "schemas/**/*.test.ts", "cli/**/*.test.ts"],
    // Server tests bind loopback ports and spawn processes: separate processes, bounded parallelism (2 cores in CI).
    pool: "forks",
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});

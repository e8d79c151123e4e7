import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    alias: [
      { find: /^@\//, replacement: import.meta.dirname + "/" },
      // `server-only` throws outside a React Server bundle; tests are server code already.
      { find: /^server-only$/, replacement: path.join(import.meta.dirname, "lib/test/server-only-stub.ts") },
    ],
  },
  test: {
    include: ["lib/**/*.test.ts", "host-agent/**/*.test.ts", "scripts/**/*.test.ts", "app/**/*.test.ts"],
    globalSetup: ["lib/test/global-setup.ts"],
    setupFiles: ["lib/test/setup-env.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Files run in parallel workers against one fresh database: every test makes its own rows
    // (random e-mails, hostnames) and never assumes an empty table.
    pool: "forks",
    maxWorkers: 2,
  },
});

import path from "node:path";

import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    include: ["**/*.test.ts"],
    exclude: ["node_modules/**", "e2e/**", ".next/**", ".data/**"],
    globalSetup: ["./vitest.global-setup.ts"],
    // Starting a database and migrating take seconds.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    // next-auth imports `next/server` without an extension; let Vite resolve it.
    server: { deps: { inline: ["next-auth"] } },
  },
});

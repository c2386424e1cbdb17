// `npm test`: everything CI checks, in order — types, lint, migrations in sync, unit and integration
// tests (Vitest, real PostgreSQL), then the app built and driven in Chromium (Playwright).
// It finds or installs what it needs: Debian's Chromium, and a database (a fresh one per run on the
// server of DATABASE_URL, or an embedded PostgreSQL when it is unset).
// Flags: --skip-e2e, --only-e2e, and anything after `--` goes to Playwright (e.g. a test file).
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";

import { startEmbeddedPostgres, type EmbeddedDatabase } from "@/db/embedded";
import { migrateDatabase } from "@/db/migrate";
import { createTestDatabase } from "@/db/test-database";

import { buildIfNeeded } from "./lib/build";
import { dataDir, ensureLocalSecrets } from "./lib/local-env";

const args = process.argv.slice(2);
const skipE2e = args.includes("--skip-e2e");
const onlyE2e = args.includes("--only-e2e");
const playwrightArgs = args.includes("--") ? args.slice(args.indexOf("--") + 1) : [];

const timings: [string, number][] = [];

function run(label: string, command: string, commandArgs: string[]): void {
  console.log(`\n▶ ${label}`);
  const started = Date.now();
  const result = spawnSync(command, commandArgs, { stdio: "inherit", env: process.env });
  timings.push([label, Date.now() - started]);
  if (result.status !== 0) throw new Error(`${label} failed (exit ${result.status ?? result.signal})`);
}

const bin = (name: string) => path.resolve("node_modules/.bin", name);

function ensureChromium(): void {
  process.env.CHROMIUM_PATH ??= "/usr/bin/chromium";
  if (existsSync(process.env.CHROMIUM_PATH)) return;
  if (process.getuid?.() === 0 && existsSync("/usr/bin/apt-get")) {
    run("Install Chromium (Debian package)", "bash", [
      "-c",
      "apt-get update -qq && apt-get install -y -qq chromium >/dev/null",
    ]);
    if (existsSync(process.env.CHROMIUM_PATH)) return;
  }
  throw new Error(
    `Chromium not found at ${process.env.CHROMIUM_PATH}: install it (apt-get install -y chromium) or set CHROMIUM_PATH.`,
  );
}

async function main() {
  ensureLocalSecrets();
  process.env.WEBHOOK_ALLOW_PRIVATE_NETWORKS = "true";
  process.env.WEBHOOK_ALLOW_INSECURE_URLS = "true";
  if (!skipE2e) ensureChromium();

  let embedded: EmbeddedDatabase | undefined;
  if (!process.env.DATABASE_URL) {
    console.log("DATABASE_URL is unset: starting an embedded PostgreSQL for the tests…");
    embedded = await startEmbeddedPostgres(path.join(dataDir, "test-server"), { database: "postgres_tests" });
  }
  const database = await createTestDatabase(embedded?.url ?? process.env.DATABASE_URL!);
  process.env.DATABASE_URL = database.url;
  console.log(`Test database: ${new URL(database.url).pathname.slice(1)}`);

  let failed: unknown;
  try {
    await migrateDatabase(database.url);
    if (!onlyE2e) {
      run("Typecheck", bin("tsc"), ["--noEmit"]);
      run("Lint", bin("eslint"), ["--max-warnings", "0", "."]);
      run("Migrations match the schema", bin("drizzle-kit"), ["check"]);
      run("Unit and integration tests", bin("vitest"), ["run"]);
    }
    if (!skipE2e) {
      const started = Date.now();
      buildIfNeeded();
      timings.push(["Build", Date.now() - started]);
      run("End-to-end tests (Chromium)", bin("playwright"), ["test", ...playwrightArgs]);
    }
  } catch (err) {
    failed = err;
  } finally {
    await database.drop().catch(() => {});
    await embedded?.stop();
  }

  console.log("\nSteps:");
  for (const [label, ms] of timings) console.log(`  ${label.padEnd(32)} ${(ms / 1000).toFixed(1)} s`);
  if (failed) {
    console.error(`\n✗ ${failed instanceof Error ? failed.message : "failed"}`);
    process.exit(1);
  }
  console.log("\n✓ All tests passed");
}

void main();

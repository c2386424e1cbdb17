// `npm test`: everything CI checks, in order — types, lint, migrations in sync with the schema, unit and
// integration tests (Vitest, real PostgreSQL), then the app built and driven in Chromium (Playwright).
// It finds or installs what it needs: Debian's Chromium, and a database (a fresh one per run on the
// server of DATABASE_URL, or a throwaway embedded PostgreSQL when it is unset). Whatever happens — a
// failed step, Ctrl-C, SIGTERM — the test database is dropped and the embedded server stopped.
// Flags: --skip-e2e, --only-e2e, and anything after `--` goes to Playwright (e.g. a test file).
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";

import { startScratchPostgres, type EmbeddedDatabase } from "@/db/embedded";
import { migrateDatabase, migrationsFolder } from "@/db/migrate";
import { createTestDatabase, type TestDatabase } from "@/db/test-database";

import { buildIfNeeded } from "./lib/build";
import { dataDir, ensureLocalSecrets } from "./lib/local-env";
import {
  run,
  signalExitCode,
  stopRequested,
  takeOverStopSignals,
  throwIfStopping,
  type RunOptions,
} from "./lib/processes";

const args = process.argv.slice(2);
const skipE2e = args.includes("--skip-e2e");
const onlyE2e = args.includes("--only-e2e");
const playwrightArgs = args.includes("--") ? args.slice(args.indexOf("--") + 1) : [];

const timings: [string, number][] = [];

async function timed<T>(label: string, work: () => Promise<T>): Promise<T> {
  const started = Date.now();
  try {
    return await work();
  } finally {
    timings.push([label, Date.now() - started]);
  }
}

/** Runs one step; throws when it fails or a stop signal came in meanwhile. Returns captured output. */
async function step(
  label: string,
  command: string,
  commandArgs: string[],
  options?: RunOptions,
): Promise<string> {
  console.log(`\n▶ ${label}`);
  const { code, output } = await timed(label, () => run(command, commandArgs, options));
  throwIfStopping();
  if (code !== 0) throw new Error(`${label} failed (exit ${code})${options?.capture ? `:\n${output}` : ""}`);
  return output;
}

const bin = (name: string) => path.resolve("node_modules/.bin", name);

async function ensureChromium(): Promise<void> {
  process.env.CHROMIUM_PATH ??= "/usr/bin/chromium";
  if (existsSync(process.env.CHROMIUM_PATH)) return;
  if (process.getuid?.() === 0 && existsSync("/usr/bin/apt-get")) {
    await step("Install Chromium (Debian package)", "bash", [
      "-c",
      "apt-get update -qq && apt-get install -y -qq chromium >/dev/null",
    ]);
    if (existsSync(process.env.CHROMIUM_PATH)) return;
  }
  throw new Error(
    `Chromium not found at ${process.env.CHROMIUM_PATH}: install it (apt-get install -y chromium) or set CHROMIUM_PATH.`,
  );
}

/**
 * `drizzle-kit check` only compares the migrations with each other, so a schema change without its
 * migration passes it. `drizzle-kit generate` into a copy of the migrations tells: a new file there means
 * the committed ones miss a change.
 */
async function checkMigrations(): Promise<void> {
  await step("Migrations are consistent", bin("drizzle-kit"), ["check"]);
  const copy = mkdtempSync(path.join(os.tmpdir(), "cw-migrations-"));
  try {
    cpSync(migrationsFolder, copy, { recursive: true });
    const sqlFiles = () => readdirSync(copy).filter((f) => f.endsWith(".sql"));
    const before = sqlFiles().length;
    const output = await step(
      "Migrations match the schema",
      bin("drizzle-kit"),
      // drizzle-kit puts "./" in front of --out, so it has to be relative.
      ["generate", "--dialect=postgresql", "--schema=./db/schema.ts", `--out=${path.relative(".", copy)}`],
      { capture: true },
    );
    if (sqlFiles().length > before)
      throw new Error(
        "db/schema.ts has changes that no migration in db/migrations makes: run `npm run db:generate` and commit the new migration.",
      );
    // It exits 0 even when it fails or would have to ask (a rename), so insist on its all-clear.
    if (!output.includes("No schema changes"))
      throw new Error(
        `drizzle-kit generate could not compare db/schema.ts with the migrations (for a rename, run \`npm run db:generate\` in a terminal and answer its question):\n${output}`,
      );
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

async function main(): Promise<number> {
  takeOverStopSignals();
  // The children (Vitest, the Playwright web server) get the secrets and local-only webhook rules from here.
  ensureLocalSecrets();
  process.env.WEBHOOK_ALLOW_PRIVATE_NETWORKS = "true";
  process.env.WEBHOOK_ALLOW_INSECURE_URLS = "true";

  let embedded: EmbeddedDatabase | undefined;
  let database: TestDatabase | undefined;
  let failed: unknown;
  try {
    if (!skipE2e) await ensureChromium();
    if (!process.env.DATABASE_URL) {
      console.log("DATABASE_URL is unset: starting an embedded PostgreSQL for this run…");
      embedded = await startScratchPostgres(path.join(dataDir, "test-servers"), { database: "postgres" });
    }
    throwIfStopping();
    database = await createTestDatabase(embedded?.url ?? process.env.DATABASE_URL!);
    process.env.DATABASE_URL = database.url;
    console.log(`Test database: ${new URL(database.url).pathname.slice(1)}`);

    await migrateDatabase(database.url);
    if (!onlyE2e) {
      await step("Typecheck", bin("tsc"), ["--noEmit"]);
      await step("Lint", bin("eslint"), ["--max-warnings", "0", "."]);
      await checkMigrations();
      await step("Unit and integration tests", bin("vitest"), ["run"]);
    }
    if (!skipE2e) {
      await timed("Build", buildIfNeeded);
      throwIfStopping();
      await step("End-to-end tests (Chromium)", bin("playwright"), ["test", ...playwrightArgs]);
    }
  } catch (err) {
    failed = err;
  } finally {
    await database
      ?.drop()
      .catch((err: Error) => console.error(`Could not drop the test database: ${err.message}`));
    await embedded?.stop();
  }

  console.log("\nSteps:");
  for (const [label, ms] of timings) console.log(`  ${label.padEnd(32)} ${(ms / 1000).toFixed(1)} s`);
  const signal = stopRequested();
  if (signal) {
    console.error(`\n✗ Stopped by ${signal}`);
    return signalExitCode(signal);
  }
  if (failed) {
    console.error("\n✗", failed instanceof Error ? failed.message : failed);
    return 1;
  }
  console.log("\n✓ All tests passed");
  return 0;
}

void main().then((code) => process.exit(code));

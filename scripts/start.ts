// `npm start`: builds the app if needed, brings up a database (embedded PostgreSQL when DATABASE_URL
// is unset), migrates and seeds it, then runs `next start` with DATABASE_URL pointing at it.
// `npm run dev` does the same with `next dev`.
import { spawn } from "node:child_process";
import path from "node:path";

import { closeDb } from "@/db";
import { startEmbeddedPostgres, type EmbeddedDatabase } from "@/db/embedded";
import { migrateDatabase } from "@/db/migrate";
import { DEMO_LOGIN, seedDemo } from "@/db/seed";

import { buildIfNeeded, nextBin } from "./lib/build";
import { dataDir, ensureLocalSecrets } from "./lib/local-env";

const dev = process.argv.includes("--dev");
const port = process.env.PORT ?? "3000";

async function main() {
  ensureLocalSecrets();
  if (!dev) buildIfNeeded();

  let embedded: EmbeddedDatabase | undefined;
  if (!process.env.DATABASE_URL) {
    console.log(`Starting the embedded PostgreSQL (data in ${path.relative(process.cwd(), dataDir)}/pg)…`);
    embedded = await startEmbeddedPostgres(dataDir);
    process.env.DATABASE_URL = embedded.url;
  }
  // Local runs deliver to receivers on this machine; production leaves it off unless set.
  process.env.WEBHOOK_ALLOW_PRIVATE_NETWORKS ??= embedded || dev ? "true" : "false";
  process.env.WEBHOOK_ALLOW_INSECURE_URLS ??= embedded || dev ? "true" : "false";

  await migrateDatabase(process.env.DATABASE_URL);
  if (process.env.SEED_DEMO !== "false") await seedDemo();
  await closeDb();

  const child = spawn(process.execPath, [nextBin, dev ? "dev" : "start", "-p", port], {
    stdio: "inherit",
    // The in-process delivery worker handles SIGTERM/SIGINT itself, to stop gracefully.
    env: { ...process.env, NEXT_MANUAL_SIG_HANDLE: "true" },
  });
  const origin = process.env.AUTH_URL ?? `http://localhost:${port}`;
  console.log(`\n  Custom Webhook portal: ${origin}`);
  if (process.env.SEED_DEMO !== "false") {
    console.log(`  Demo sign-in: ${DEMO_LOGIN.email} / ${DEMO_LOGIN.password}\n`);
  }

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    child.kill(signal);
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
  child.on("exit", (code, signal) => {
    void (embedded?.stop() ?? Promise.resolve()).finally(() => process.exit(code ?? (signal ? 0 : 1)));
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

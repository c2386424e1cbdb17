// `npm start`: builds the app if needed, brings up a database (embedded PostgreSQL when DATABASE_URL
// is unset), migrates it, seeds the demo, then runs the app's server (scripts/lib/app-server.mjs: Next.js
// behind node:http, in production mode; `npm run dev` in development mode) with DATABASE_URL pointing at it.
// The launcher owns shutdown: SIGINT/SIGTERM/SIGHUP go to the app, the embedded database stops only
// after the app has finished its requests and exited, and the launcher exits with the app's code.
import path from "node:path";

import { closeDb } from "@/db";
import { startEmbeddedPostgres, type EmbeddedDatabase } from "@/db/embedded";
import { migrateDatabase } from "@/db/migrate";
import { DEMO_LOGIN, seedDemo } from "@/db/seed";

import { buildIfNeeded } from "./lib/build";
import { dataDir, ensureLocalSecrets, envFlag, requireSecrets } from "./lib/local-env";
import { run, signalExitCode, stopRequested, takeOverStopSignals, throwIfStopping } from "./lib/processes";

const dev = process.argv.includes("--dev");
const port = process.env.PORT ?? "3000";
const exitWithParent = path.join(import.meta.dirname, "lib/exit-with-parent.cjs");
const appServer = path.join(import.meta.dirname, "lib/app-server.mjs");
// How long the app may take to finish in-flight requests after a stop signal before it is killed.
const APP_GRACE_MS = 30_000;

// Sign-up and password reset work through email: say how this run sends it (see lib/mail).
function warnAboutMail(local: boolean): void {
  if (process.env.SMTP_URL) {
    if (!process.env.AUTH_URL)
      console.warn(`⚠ AUTH_URL is unset: links in emails point at http://localhost:${port}.`);
    return;
  }
  if (local) {
    process.env.MAIL_CONSOLE ??= "true";
    if (process.env.MAIL_CONSOLE === "true")
      console.warn(
        "⚠ Local mode: emails (sign-up and password reset links) are printed here, not sent (SMTP_URL).",
      );
    return;
  }
  console.warn(
    "⚠ SMTP_URL is unset: this server sends no email, so sign-up and password reset are off. Set SMTP_URL and MAIL_FROM.",
  );
}

async function main(): Promise<number> {
  takeOverStopSignals();
  // Local mode — the embedded database or `npm run dev` — is a developer's machine, not production.
  const local = dev || !process.env.DATABASE_URL;
  if (local) ensureLocalSecrets();
  else requireSecrets();
  const seed = envFlag("SEED_DEMO") ?? local;
  // Local runs deliver to receivers on this machine; production leaves these off unless set.
  if (local && process.env.WEBHOOK_ALLOW_PRIVATE_NETWORKS === undefined) {
    process.env.WEBHOOK_ALLOW_PRIVATE_NETWORKS = "true";
    console.warn(
      "⚠ Local mode: webhooks may target private-network and loopback addresses (WEBHOOK_ALLOW_PRIVATE_NETWORKS).",
    );
  }
  process.env.WEBHOOK_ALLOW_INSECURE_URLS ??= String(local);
  warnAboutMail(local);

  let embedded: EmbeddedDatabase | undefined;
  try {
    if (!dev) await buildIfNeeded();
    throwIfStopping();
    if (!process.env.DATABASE_URL) {
      console.log("Starting the embedded PostgreSQL…");
      embedded = await startEmbeddedPostgres(dataDir);
      process.env.DATABASE_URL = embedded.url;
      console.log(`Embedded PostgreSQL ready (data in ${embedded.clusterDir}).`);
      throwIfStopping();
    }
    await migrateDatabase(process.env.DATABASE_URL);
    if (seed) await seedDemo();
    await closeDb();
    throwIfStopping();

    console.log(`\n  Custom Webhook portal: ${process.env.AUTH_URL ?? `http://localhost:${port}`}`);
    if (seed) console.log(`  Demo sign-in: ${DEMO_LOGIN.email} / ${DEMO_LOGIN.password}\n`);
    // The app's server drains its requests and the in-process delivery worker on SIGTERM/SIGINT.
    process.env.PORT = port;
    const { code } = await run(
      process.execPath,
      ["--require", exitWithParent, appServer, ...(dev ? ["--dev"] : [])],
      { graceMs: APP_GRACE_MS },
    );
    return code;
  } finally {
    if (embedded) {
      console.log("Stopping the embedded PostgreSQL…");
      await embedded.stop();
    }
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    const signal = stopRequested();
    if (signal) process.exit(signalExitCode(signal));
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);

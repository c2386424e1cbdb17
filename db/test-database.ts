import { Client } from "pg";

const LOCAL_HOSTS = new Set(["127.0.0.1", "localhost", "::1", "[::1]"]);

/** Tests write and drop data freely, so they refuse any database that is not on this machine. */
export function assertLocalDatabase(url: string): void {
  const host = new URL(url).hostname;
  if (!LOCAL_HOSTS.has(host)) {
    throw new Error(
      `Refusing to run tests against a non-local database (${host}). Point DATABASE_URL at 127.0.0.1.`,
    );
  }
}

const PREFIX = "cw_test_";
const STALE_AFTER_MS = 6 * 60 * 60 * 1000;

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/**
 * Creates an empty database for one test run on the server of `serverUrl` and returns its URL and a
 * drop function. Databases of runs that died more than six hours ago are dropped on the way.
 */
export async function createTestDatabase(serverUrl: string): Promise<TestDatabase> {
  assertLocalDatabase(serverUrl);
  const name = `${PREFIX}${Date.now()}_${process.pid}`;
  // The maintenance database always exists; the one serverUrl names (say /test) may not.
  const adminUrl = withDatabase(serverUrl, "postgres");
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ datname: string }>(
      "SELECT datname FROM pg_database WHERE datname LIKE $1",
      [`${PREFIX}%`],
    );
    for (const { datname } of rows) {
      const started = Number(datname.slice(PREFIX.length).split("_")[0]);
      if (Date.now() - started > STALE_AFTER_MS)
        await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    }
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  return {
    url: withDatabase(serverUrl, name),
    async drop() {
      const c = new Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).finally(() => c.end());
    },
  };
}

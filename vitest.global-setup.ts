import path from "node:path";

import { startScratchPostgres } from "./db/embedded";
import { migrateDatabase } from "./db/migrate";
import { assertLocalDatabase } from "./db/test-database";
import { dataDir, ensureLocalSecrets } from "./scripts/lib/local-env";

// `npm test` hands over a fresh DATABASE_URL; a bare `npx vitest` starts a throwaway embedded server instead.
export default async function setup() {
  ensureLocalSecrets();
  process.env.WEBHOOK_ALLOW_PRIVATE_NETWORKS ??= "true";
  process.env.WEBHOOK_ALLOW_INSECURE_URLS ??= "true";
  // Workers log every failed delivery at info; tests provoke many on purpose.
  process.env.LOG_LEVEL ??= "warn";
  let stop: (() => Promise<void>) | undefined;
  if (!process.env.DATABASE_URL) {
    const embedded = await startScratchPostgres(path.join(dataDir, "test-servers"), { database: "vitest" });
    process.env.DATABASE_URL = embedded.url;
    stop = () => embedded.stop();
  }
  assertLocalDatabase(process.env.DATABASE_URL);
  await migrateDatabase(process.env.DATABASE_URL);
  return async () => {
    await stop?.();
  };
}

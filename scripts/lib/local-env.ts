import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

/** Where local state lives: the embedded database, generated dev keys. Git-ignored. */
export const dataDir = path.resolve(process.env.DATA_DIR ?? ".data");

// A secret kept in a file under .data/, made once, so restarts keep sessions and can decrypt secrets.
function localSecret(file: string, make: () => string): string {
  const full = path.join(dataDir, file);
  try {
    return readFileSync(full, "utf8").trim();
  } catch {
    mkdirSync(dataDir, { recursive: true });
    const value = make();
    writeFileSync(full, value + "\n", { mode: 0o600 });
    return value;
  }
}

/**
 * Fills AUTH_SECRET and SECRETS_ENCRYPTION_KEY from keys generated into .data/ when they are unset,
 * so a fresh clone runs with nothing configured. Production sets both in the environment.
 */
export function ensureLocalSecrets(): { generated: string[] } {
  const generated: string[] = [];
  if (!process.env.AUTH_SECRET) {
    process.env.AUTH_SECRET = localSecret("auth-secret", () => randomBytes(32).toString("base64url"));
    generated.push("AUTH_SECRET");
  }
  if (!process.env.SECRETS_ENCRYPTION_KEY) {
    process.env.SECRETS_ENCRYPTION_KEY = localSecret("secrets.key", () => randomBytes(32).toString("base64"));
    generated.push("SECRETS_ENCRYPTION_KEY");
  }
  return { generated };
}

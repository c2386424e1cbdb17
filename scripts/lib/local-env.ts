import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

/** Where local state lives: the embedded database, generated dev keys. Git-ignored. */
export const dataDir = path.resolve(process.env.DATA_DIR ?? ".data");

// The secrets the app needs, and the file under .data/ a local run keeps a generated one in.
const SECRETS = {
  AUTH_SECRET: "auth-secret",
  SECRETS_ENCRYPTION_KEY: "secrets.key",
} as const;

// A secret kept in a file under .data/, made once, so restarts keep sessions and can decrypt secrets.
function localSecret(file: string): string {
  const full = path.join(dataDir, file);
  try {
    return readFileSync(full, "utf8").trim();
  } catch {
    mkdirSync(dataDir, { recursive: true });
    const value = randomBytes(32).toString("base64");
    writeFileSync(full, value + "\n", { mode: 0o600 });
    return value;
  }
}

/**
 * Local runs only (the embedded database, `npm run dev`, tests): fills AUTH_SECRET and
 * SECRETS_ENCRYPTION_KEY, when unset, from keys generated once into .data/.
 */
export function ensureLocalSecrets(): void {
  for (const [name, file] of Object.entries(SECRETS)) process.env[name] ||= localSecret(file);
}

/**
 * With a real database (DATABASE_URL set) the secrets must come from the environment: keys generated
 * into a server's .data/ would be lost with it, and every secret encrypted with them.
 */
export function requireSecrets(): void {
  const missing = Object.keys(SECRETS).filter((name) => !process.env[name]);
  if (missing.length === 0) return;
  throw new Error(
    `${missing.join(" and ")} must be set when DATABASE_URL is set. Generate each with \`openssl rand -base64 32\` ` +
      "and keep it (SECRETS_ENCRYPTION_KEY decrypts the stored secrets; a new one cannot read them). " +
      "For a local run, leave DATABASE_URL unset (embedded database) or use `npm run dev`.",
  );
}

/** An on/off variable: "true"/"1" or "false"/"0"; undefined when unset or empty. */
export function envFlag(name: string): boolean | undefined {
  const value = process.env[name];
  if (!value) return undefined;
  if (value === "true" || value === "1") return true;
  if (value === "false" || value === "0") return false;
  throw new Error(`${name} must be true or false (got "${value}").`);
}

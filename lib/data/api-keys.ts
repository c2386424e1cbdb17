import { createHash, randomBytes } from "node:crypto";

import { and, desc, eq, isNull, lt, or } from "drizzle-orm";

import { db } from "@/db";
import { apiKeys } from "@/db/schema";
import { notFound } from "@/lib/errors";

const KEY_PREFIX = "cwk_";
// Keys are compared by hash; the shown prefix is long enough to tell keys apart, too short to guess one.
const SHOWN_PREFIX_LENGTH = 12;
// last_used_at is a hint for people, not an audit log: write it at most once a minute per key.
const LAST_USED_GRANULARITY_MS = 60_000;

const hashKey = (key: string) => createHash("sha256").update(key).digest("hex");

/** Creates an API key; the returned `key` is the only time anyone sees it. */
export async function createApiKey(accountId: string, name: string) {
  const key = KEY_PREFIX + randomBytes(32).toString("base64url");
  const [row] = await db()
    .insert(apiKeys)
    .values({ accountId, name, prefix: key.slice(0, SHOWN_PREFIX_LENGTH), keyHash: hashKey(key) })
    .returning({ id: apiKeys.id, name: apiKeys.name, prefix: apiKeys.prefix, createdAt: apiKeys.createdAt });
  return { ...row!, key };
}

export async function listApiKeys(accountId: string) {
  return db()
    .select({
      id: apiKeys.id,
      name: apiKeys.name,
      prefix: apiKeys.prefix,
      createdAt: apiKeys.createdAt,
      lastUsedAt: apiKeys.lastUsedAt,
      revokedAt: apiKeys.revokedAt,
    })
    .from(apiKeys)
    .where(eq(apiKeys.accountId, accountId))
    .orderBy(desc(apiKeys.createdAt));
}

export type ApiKeyListItem = Awaited<ReturnType<typeof listApiKeys>>[number];

export async function revokeApiKey(accountId: string, id: string): Promise<void> {
  const rows = await db()
    .update(apiKeys)
    .set({ revokedAt: new Date() })
    .where(and(eq(apiKeys.accountId, accountId), eq(apiKeys.id, id), isNull(apiKeys.revokedAt)))
    .returning({ id: apiKeys.id });
  if (rows.length === 0) throw notFound("API key");
}

/** The account and key id behind a presented key, or null when it is unknown or revoked. */
export async function authenticateApiKey(key: string): Promise<{ accountId: string; keyId: string } | null> {
  if (!key.startsWith(KEY_PREFIX)) return null;
  const [row] = await db()
    .select({ id: apiKeys.id, accountId: apiKeys.accountId, revokedAt: apiKeys.revokedAt })
    .from(apiKeys)
    .where(eq(apiKeys.keyHash, hashKey(key)))
    .limit(1);
  if (!row || row.revokedAt) return null;
  const now = new Date();
  void db()
    .update(apiKeys)
    .set({ lastUsedAt: now })
    .where(
      and(
        eq(apiKeys.id, row.id),
        or(
          isNull(apiKeys.lastUsedAt),
          lt(apiKeys.lastUsedAt, new Date(now.getTime() - LAST_USED_GRANULARITY_MS)),
        ),
      ),
    )
    .catch(() => {});
  return { accountId: row.accountId, keyId: row.id };
}

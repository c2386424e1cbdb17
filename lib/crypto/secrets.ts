import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

import { env } from "@/lib/env";

// Format: v1.<iv>.<auth tag>.<ciphertext>, each base64url. The version lets the scheme change later.
const VERSION = "v1";

function key(): Buffer {
  return Buffer.from(env().SECRETS_ENCRYPTION_KEY, "base64");
}

/** Encrypts a secret for storage (AES-256-GCM, random 96-bit IV). */
export function encryptSecret(plain: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key(), iv);
  const ciphertext = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return [VERSION, iv, cipher.getAuthTag(), ciphertext]
    .map((p) => (typeof p === "string" ? p : p.toString("base64url")))
    .join(".");
}

/** Decrypts a value made by encryptSecret; throws if it was tampered with or the key is wrong. */
export function decryptSecret(stored: string): string {
  const [version, iv, tag, ciphertext] = stored.split(".");
  if (version !== VERSION || !iv || !tag || ciphertext === undefined)
    throw new Error("Unrecognised secret format");
  // A full 16-byte tag only: GCM would otherwise accept a truncated one, which is far easier to forge.
  const decipher = createDecipheriv("aes-256-gcm", key(), Buffer.from(iv, "base64url"), {
    authTagLength: 16,
  });
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  return Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64url")), decipher.final()]).toString(
    "utf8",
  );
}

export { maskSecret } from "./mask";

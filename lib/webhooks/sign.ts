import { createHmac, randomBytes } from "node:crypto";

const PREFIX = "whsec_";

/** A new Standard Webhooks signing secret: `whsec_` and 24 random bytes in base64. */
export function generateSigningSecret(): string {
  return PREFIX + randomBytes(24).toString("base64");
}

/**
 * The `webhook-signature` value for a message: `v1,<base64 HMAC-SHA256 of "id.timestamp.body">` per
 * secret, space-separated, as the Standard Webhooks spec defines (receivers accept any that matches).
 */
export function signatureHeader(secrets: string[], id: string, timestamp: number, body: string): string {
  const content = `${id}.${timestamp}.${body}`;
  return secrets
    .map((secret) => {
      const key = Buffer.from(secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret, "base64");
      return `v1,${createHmac("sha256", key).update(content).digest("base64")}`;
    })
    .join(" ");
}

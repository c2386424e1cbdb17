import type { FieldErrors } from "@/lib/errors";

// PostgreSQL's text and jsonb cannot hold a NUL character, and a lone UTF-16 surrogate (half of a
// character, which JSON's \ud800 escapes can carry) is not Unicode at all: both would fail deep in a
// query. Every input that reaches the database — API bodies, queries and paths, server action inputs —
// is checked here first, so the caller gets a field error instead.

export const NUL_MESSAGE = "Remove the NUL character (\\u0000): it cannot be stored";
export const SURROGATE_MESSAGE =
  "Contains an incomplete Unicode character (an unpaired UTF-16 surrogate): send valid UTF-8 or UTF-16 text";

/** Why a string cannot be stored as text, or null when it can. */
export function unstorableReason(value: string): string | null {
  if (value.includes("\u0000")) return NUL_MESSAGE;
  if (!value.isWellFormed()) return SURROGATE_MESSAGE;
  return null;
}

// Inputs are small (bodies are capped); the bound only keeps a pathological document from costing much.
const MAX_NODES = 20_000;

/**
 * The places in a parsed input (JSON body, query, form values) where a string — a value or a key —
 * cannot be stored, as field errors keyed like zod's (`multimedia.caption`, `headers.0.value`); null
 * when there are none.
 */
export function unstorableText(input: unknown): FieldErrors | null {
  const errors: FieldErrors = {};
  let visited = 0;
  const visit = (value: unknown, path: string[]) => {
    if (++visited > MAX_NODES) return;
    if (typeof value === "string") {
      const reason = unstorableReason(value);
      if (reason) (errors[path.join(".") || "_root"] ??= []).push(reason);
      return;
    }
    if (typeof value !== "object" || value === null) return;
    const entries: [string, unknown][] = Array.isArray(value)
      ? value.map((item, i) => [String(i), item])
      : Object.entries(value);
    for (const [key, item] of entries) {
      const keyReason = unstorableReason(key);
      if (keyReason)
        (errors[[...path, key.toWellFormed().replaceAll("\u0000", "")].join(".")] ??= []).push(keyReason);
      else visit(item, [...path, key]);
    }
  };
  visit(input, []);
  return Object.keys(errors).length > 0 ? errors : null;
}

/**
 * Text from a channel provider, made storable: the contact wrote it and the provider will not send it
 * differently, so a lone surrogate becomes U+FFFD and a NUL is dropped rather than the message refused.
 */
export function storableText(value: string): string;
export function storableText(value: string | null | undefined): string | null | undefined;
export function storableText(value: string | null | undefined) {
  return typeof value === "string" ? value.toWellFormed().replaceAll("\u0000", "") : value;
}

import pino, { type Logger } from "pino";

import { env } from "@/lib/env";
import { describeError, isDatabaseError } from "@/lib/errors";

// Never log secrets: these paths are replaced wherever they appear in a log object. Callers also keep
// request bodies and full headers out of logs (attempts are recorded in the database instead).
const REDACT = [
  "authorization",
  "*.authorization",
  "headers",
  "*.headers",
  "body",
  "*.body",
  "secret",
  "*.secret",
  "authSecret",
  "*.authSecret",
  "signingSecret",
  "*.signingSecret",
  "previousSigningSecret",
  "*.previousSigningSecret",
  "password",
  "*.password",
  "apiKey",
  "*.apiKey",
];

const globalForLog = globalThis as unknown as { __log?: Logger };

/** The process-wide structured (JSON) logger; level from LOG_LEVEL. */
export function log(): Logger {
  globalForLog.__log ??= pino({
    level: env().LOG_LEVEL,
    base: { pid: process.pid },
    redact: { paths: REDACT, censor: "[redacted]" },
  });
  return globalForLog.__log;
}

/**
 * Next.js logs what a page or route threw with console.error, message and all; for a database error that
 * message holds the query's parameter values (ids, phone numbers, message text). From here on, such an
 * error reaches console.error as its description only (names and codes, see describeError).
 */
export function keepQueryValuesOutOfConsole(): void {
  const globalForConsole = globalThis as unknown as { __consoleRedacted?: boolean };
  if (globalForConsole.__consoleRedacted) return;
  globalForConsole.__consoleRedacted = true;
  const original = console.error.bind(console);
  console.error = (...args: unknown[]) =>
    original(...args.map((arg) => (isDatabaseError(arg) ? `[database error] ${describeError(arg)}` : arg)));
}

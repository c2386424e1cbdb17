import pino, { type Logger } from "pino";

import { env } from "@/lib/env";

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

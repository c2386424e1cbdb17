import type { AttemptErrorClass, SendResult } from "./send";

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/**
 * Delay before retry n (index n-1): 5 s, 30 s, 2 min, 10 min, 30 min, 1 h, 2 h, then every 4 h (the
 * last entry repeats) until the integration's max attempts or max age (Default: 12 attempts, 24 h).
 */
export const DEFAULT_RETRY_SCHEDULE_MS: readonly number[] = [
  5 * SECOND,
  30 * SECOND,
  2 * MINUTE,
  10 * MINUTE,
  30 * MINUTE,
  HOUR,
  2 * HOUR,
  4 * HOUR,
];

/** ±20 %: retries of many deliveries that failed together spread out instead of arriving together. */
export const JITTER = 0.2;

/**
 * The wait after the `attempt`-th failed attempt of a retry window (1-based), with jitter. A pure
 * function: `random` (0 ≤ r < 1) is passed in, so tests can pin it.
 */
export function retryDelayMs(
  attempt: number,
  schedule: readonly number[] = DEFAULT_RETRY_SCHEDULE_MS,
  random: number = Math.random(),
): number {
  const base = schedule[Math.min(Math.max(attempt, 1), schedule.length) - 1] ?? 0;
  return Math.round(base * (1 - JITTER + 2 * JITTER * random));
}

/** The Retry-After header in milliseconds (delta-seconds or an HTTP date), or null. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * SECOND;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

/** What an attempt's result means for its delivery. */
export type Verdict =
  | { kind: "SUCCEEDED" }
  | { kind: "RETRY"; errorClass: AttemptErrorClass; message: string; retryAfterMs: number | null }
  | { kind: "FAILED"; errorClass: AttemptErrorClass; message: string }
  // 410 Gone: the receiver asks us to stop; the integration is stopped and flagged.
  | { kind: "GONE"; errorClass: "HTTP_STATUS"; message: string };

const RETRYABLE_STATUS = (status: number) => status === 408 || status === 429 || status >= 500;
// Refused by our own rules: sending again cannot help.
const PERMANENT_CLASSES = new Set<AttemptErrorClass>(["BUILD", "BLOCKED"]);

/** 2xx succeeds; network errors, timeouts, 408, 429 and 5xx are retried; 410 stops; the rest is permanent. */
export function judge(result: SendResult): Verdict {
  if (result.error) {
    const { errorClass, message } = result.error;
    return PERMANENT_CLASSES.has(errorClass)
      ? { kind: "FAILED", errorClass, message }
      : { kind: "RETRY", errorClass, message, retryAfterMs: null };
  }
  const status = result.status!;
  if (status >= 200 && status < 300) return { kind: "SUCCEEDED" };
  const message = `HTTP ${status}`;
  if (status === 410) return { kind: "GONE", errorClass: "HTTP_STATUS", message: "HTTP 410 Gone" };
  if (RETRYABLE_STATUS(status)) {
    return {
      kind: "RETRY",
      errorClass: "HTTP_STATUS",
      message,
      retryAfterMs: parseRetryAfter(result.headers?.["retry-after"]),
    };
  }
  const hint = status >= 300 && status < 400 ? " (redirects are not followed)" : "";
  return { kind: "FAILED", errorClass: "HTTP_STATUS", message: message + hint };
}

export interface RetryWindow {
  /** Attempts made in this window, including the one that just failed. */
  attemptsInWindow: number;
  windowStartedAt: Date;
  maxAttempts: number;
  maxAgeSeconds: number;
}

/**
 * When to try a failed delivery again, or null to give up (max attempts reached, or the next attempt
 * would fall past the max age). Retry-After, when the receiver sent one, replaces the backoff.
 */
export function nextAttemptAt(
  window: RetryWindow,
  retryAfterMs: number | null,
  { now = Date.now(), schedule = DEFAULT_RETRY_SCHEDULE_MS, random = Math.random() } = {},
): Date | null {
  if (window.attemptsInWindow >= window.maxAttempts) return null;
  const delay = retryAfterMs ?? retryDelayMs(window.attemptsInWindow, schedule, random);
  const at = now + delay;
  if (at > window.windowStartedAt.getTime() + window.maxAgeSeconds * SECOND) return null;
  return new Date(at);
}

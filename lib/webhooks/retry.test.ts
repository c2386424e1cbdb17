import { describe, expect, it } from "vitest";

import { DEFAULT_RETRY_SCHEDULE_MS, judge, nextAttemptAt, parseRetryAfter, retryDelayMs } from "./retry";
import type { SendResult } from "./send";

const response = (status: number, headers: Record<string, string> = {}): SendResult => ({
  status,
  headers,
  body: "",
  durationMs: 5,
  error: null,
});
const networkFailure = (errorClass: NonNullable<SendResult["error"]>["errorClass"]): SendResult => ({
  status: null,
  headers: null,
  body: null,
  durationMs: 5,
  error: { errorClass, message: errorClass },
});

describe("retry schedule", () => {
  it("follows 5 s, 30 s, 2 min, 10 min, 30 min, 1 h, 2 h, then every 4 h", () => {
    const mid = (n: number) => retryDelayMs(n, DEFAULT_RETRY_SCHEDULE_MS, 0.5);
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 12].map(mid)).toEqual([
      5_000, 30_000, 120_000, 600_000, 1_800_000, 3_600_000, 7_200_000, 14_400_000, 14_400_000, 14_400_000,
    ]);
  });

  it("jitters by ±20 %", () => {
    expect(retryDelayMs(1, DEFAULT_RETRY_SCHEDULE_MS, 0)).toBe(4_000);
    expect(retryDelayMs(1, DEFAULT_RETRY_SCHEDULE_MS, 0.999_999)).toBe(6_000);
  });

  it("the default 12 attempts end within the default 24 h", () => {
    const total = Array.from({ length: 11 }, (_, i) =>
      retryDelayMs(i + 1, DEFAULT_RETRY_SCHEDULE_MS, 0.5),
    ).reduce((a, b) => a + b);
    expect(total).toBeLessThan(24 * 3_600_000);
  });

  it("gives up at max attempts, or when the next try would pass the max age", () => {
    const now = Date.UTC(2026, 0, 1);
    const window = { windowStartedAt: new Date(now), maxAttempts: 3, maxAgeSeconds: 60 };
    expect(nextAttemptAt({ ...window, attemptsInWindow: 1 }, null, { now, random: 0.5 })).toEqual(
      new Date(now + 5_000),
    );
    expect(nextAttemptAt({ ...window, attemptsInWindow: 3 }, null, { now })).toBeNull();
    expect(nextAttemptAt({ ...window, attemptsInWindow: 2 }, null, { now, random: 0.5 })).toEqual(
      new Date(now + 30_000),
    );
    expect(
      nextAttemptAt({ ...window, attemptsInWindow: 2 }, null, { now: now + 40_000, random: 0.5 }),
    ).toBeNull();
    // Retry-After replaces the backoff.
    expect(nextAttemptAt({ ...window, attemptsInWindow: 1 }, 12_000, { now })).toEqual(
      new Date(now + 12_000),
    );
  });
});

describe("Retry-After", () => {
  it("reads seconds and HTTP dates", () => {
    const now = Date.UTC(2026, 0, 1, 12, 0, 0);
    expect(parseRetryAfter("120", now)).toBe(120_000);
    expect(parseRetryAfter(new Date(now + 30_000).toUTCString(), now)).toBe(30_000);
    expect(parseRetryAfter("soon", now)).toBeNull();
    expect(parseRetryAfter(undefined, now)).toBeNull();
  });
});

describe("judging an attempt", () => {
  it.each([200, 201, 204, 299])("%i succeeds", (status) => {
    expect(judge(response(status)).kind).toBe("SUCCEEDED");
  });
  it.each([408, 429, 500, 502, 503, 504])("%i is retried", (status) => {
    expect(judge(response(status))).toMatchObject({ kind: "RETRY", errorClass: "HTTP_STATUS" });
  });
  it.each([301, 400, 401, 403, 404, 422])("%i is a permanent failure", (status) => {
    expect(judge(response(status))).toMatchObject({ kind: "FAILED", errorClass: "HTTP_STATUS" });
  });
  it("410 stops the integration", () => {
    expect(judge(response(410)).kind).toBe("GONE");
  });
  it("passes Retry-After on", () => {
    expect(judge(response(429, { "retry-after": "7" }))).toMatchObject({
      kind: "RETRY",
      retryAfterMs: 7_000,
    });
  });
  it.each(["DNS", "CONNECT", "TLS", "TIMEOUT", "NETWORK"] as const)("%s errors are retried", (errorClass) => {
    expect(judge(networkFailure(errorClass))).toMatchObject({ kind: "RETRY", errorClass });
  });
  it("a request refused by the SSRF guard is not retried", () => {
    expect(judge(networkFailure("BLOCKED"))).toMatchObject({ kind: "FAILED", errorClass: "BLOCKED" });
  });
});

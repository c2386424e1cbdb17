// Property-based fuzzing of the operations routes: the cron drain (POST /api/internal/deliveries/run),
// GET /api/health and GET /api/metrics. Properties: never a 5xx; a refusal is JSON
// `{ error: { code, message } }`; a drain is always bounded, whatever `maxSeconds` says.
import fc from "fast-check";
import { describe, it, vi } from "vitest";

import {
  callRoute,
  describeAnswer,
  expectRefusal,
  fuzzRuns,
  malformedQuery,
  queryValue,
  unstorableText,
} from "@/lib/testing/fuzz";

const SECRETS = vi.hoisted(() => {
  const secrets = { cron: "cron-secret-0123456789", metrics: "metrics-token-0123456789" };
  // Read once by lib/env.ts on first use, which comes after this.
  process.env.CRON_SECRET = secrets.cron;
  process.env.METRICS_TOKEN = secrets.metrics;
  return secrets;
});

// The drain itself is tested with the worker; an unscoped drain here would take other files' deliveries.
const drainDeliveries = vi.hoisted(() =>
  vi.fn(async () => ({ claimed: 0, succeeded: 0, retrying: 0, failed: 0 })),
);
vi.mock("@/lib/webhooks/worker", () => ({ drainDeliveries }));

const { POST: cron } = await import("./internal/deliveries/run/route");
const { GET: health } = await import("./health/route");
const { GET: metrics } = await import("./metrics/route");

/** Authorization headers that are not the secret: missing, other schemes, near misses, very long. */
const wrongAuthorization = (secret: string) =>
  fc.oneof(
    fc.constantFrom(
      undefined,
      "",
      "Bearer",
      "Bearer ",
      `Basic ${Buffer.from(`x:${secret}`).toString("base64")}`,
      `Bearer ${secret.slice(0, -1)}`,
      `Bearer ${secret}x`,
      `Bearer  ${secret} x`,
      `Bearer ${"x".repeat(8_000)}`,
      `bearer${secret}`,
    ),
    fc.string({ maxLength: 40 }).map((s) => `Bearer ${s.replace(/[\r\n]/g, "")}`),
  );

const request = (path: string, method: string, query: string, authorization?: string) =>
  new Request(`http://localhost:3000${path}${query ? `?${query}` : ""}`, {
    method,
    headers: authorization !== undefined ? { authorization } : {},
  });

describe("POST /api/internal/deliveries/run", () => {
  it("without the CRON_SECRET bearer: 401 JSON, no drain", async () => {
    await fc.assert(
      fc.asyncProperty(
        wrongAuthorization(SECRETS.cron),
        malformedQuery(["maxSeconds"]),
        async (authorization, query) => {
          drainDeliveries.mockClear();
          const answer = await callRoute(
            cron,
            request("/api/internal/deliveries/run", "POST", query, authorization),
          );
          expectRefusal(
            answer,
            401,
            `POST /api/internal/deliveries/run authorization=${JSON.stringify(authorization)}`,
          );
          if (drainDeliveries.mock.calls.length) throw new Error("drained without the secret");
        },
      ),
      fuzzRuns(50),
    );
  });

  it("any maxSeconds (malformed, negative, huge, not a number): 200 JSON and a drain of at most 40 s", async () => {
    const maxSeconds = fc.oneof(
      fc.constantFrom(
        "",
        "-1",
        "0",
        "NaN",
        "Infinity",
        "1e309",
        "0x10",
        "5.5",
        "%FF",
        "%00",
        " 5",
        "99999999999999999999",
      ),
      fc.double().map(String),
      unstorableText.map(queryValue),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          maxSeconds.map((v) => `maxSeconds=${v}`),
          malformedQuery(["maxSeconds"]),
        ),
        async (query) => {
          drainDeliveries.mockClear();
          const answer = await callRoute(
            cron,
            request("/api/internal/deliveries/run", "POST", query, `Bearer ${SECRETS.cron}`),
          );
          if (answer.status !== 200 || !answer.contentType.startsWith("application/json"))
            throw new Error(`POST /api/internal/deliveries/run?${query}: ${describeAnswer(answer)}`);
          const [options] = (drainDeliveries.mock.calls[0] ?? []) as unknown as [{ maxMs: number }?];
          if (!options || !(options.maxMs > 0 && options.maxMs <= 40_000))
            throw new Error(
              `POST /api/internal/deliveries/run?${query}: drain not bounded: ${JSON.stringify(options)}`,
            );
        },
      ),
      fuzzRuns(60),
    );
  });
});

describe("GET /api/health", () => {
  it("any query string and headers: 200 JSON with the status", async () => {
    await fc.assert(
      fc.asyncProperty(
        malformedQuery(["status", "verbose"]),
        wrongAuthorization("x"),
        async (query, authorization) => {
          const answer = await callRoute(health, request("/api/health", "GET", query, authorization));
          if (answer.status !== 200 || (answer.json as { status?: string } | null)?.status !== "ok")
            throw new Error(`GET /api/health?${query}: ${describeAnswer(answer)}`);
        },
      ),
      fuzzRuns(15),
    );
  });
});

describe("GET /api/metrics (METRICS_TOKEN set)", () => {
  it("without the token: 401 with a JSON error, never a 5xx", async () => {
    await fc.assert(
      fc.asyncProperty(wrongAuthorization(SECRETS.metrics), async (authorization) => {
        const answer = await callRoute(metrics, request("/api/metrics", "GET", "", authorization));
        expectRefusal(answer, 401, `GET /api/metrics authorization=${JSON.stringify(authorization)}`);
      }),
      fuzzRuns(15),
    );
  });

  it("with the token and any query string: 200 Prometheus text", async () => {
    await fc.assert(
      fc.asyncProperty(malformedQuery(["name[]", "format"]), async (query) => {
        const answer = await callRoute(
          metrics,
          request("/api/metrics", "GET", query, `Bearer ${SECRETS.metrics}`),
        );
        if (answer.status !== 200 || !answer.contentType.startsWith("text/plain"))
          throw new Error(`GET /api/metrics?${query}: ${describeAnswer(answer)}`);
      }),
      fuzzRuns(8),
    );
  });
});

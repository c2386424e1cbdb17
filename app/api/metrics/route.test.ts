import { afterEach, describe, expect, it, vi } from "vitest";

async function get(auth?: string) {
  vi.resetModules();
  const { GET } = await import("./route");
  return GET(new Request("http://localhost/api/metrics", { headers: auth ? { authorization: auth } : {} }));
}

describe("GET /api/metrics", () => {
  afterEach(() => vi.unstubAllEnvs());

  it("exposes delivery metrics in Prometheus text format", async () => {
    const res = await get();
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/plain");
    const text = await res.text();
    for (const name of [
      "webhook_delivery_attempts_total",
      "webhook_attempt_duration_seconds",
      "webhook_deliveries_due",
      "webhook_oldest_due_delivery_age_seconds",
      "process_resident_memory_bytes",
    ]) {
      expect(text).toContain(name);
    }
  });

  it("asks for METRICS_TOKEN when one is set", async () => {
    vi.stubEnv("METRICS_TOKEN", "metrics-token-0123456789");
    expect((await get()).status).toBe(401);
    expect((await get("Bearer metrics-token-0123456789")).status).toBe(200);
  });
});

import { afterEach, describe, expect, it, vi } from "vitest";

// The drain itself is tested with the worker (lib/webhooks); an unscoped drain here would take other
// test files' deliveries, so this file checks the route's guard, bounds and answer only.
const drainDeliveries = vi.hoisted(() =>
  vi.fn(async () => ({ claimed: 3, succeeded: 2, retrying: 1, failed: 0 })),
);
vi.mock("@/lib/webhooks/worker", () => ({ drainDeliveries }));

const SECRET = "cron-secret-0123456789";

async function call(auth: string | null, query = "") {
  vi.resetModules();
  const { POST } = await import("./route");
  return POST(
    new Request(`http://localhost/api/internal/deliveries/run${query}`, {
      method: "POST",
      headers: auth ? { authorization: auth } : {},
    }),
  );
}

describe("POST /api/internal/deliveries/run", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    drainDeliveries.mockClear();
  });

  it("is off (403) while CRON_SECRET is unset", async () => {
    vi.stubEnv("CRON_SECRET", undefined);
    expect((await call(`Bearer ${SECRET}`)).status).toBe(403);
    expect(drainDeliveries).not.toHaveBeenCalled();
  });

  it("answers 401 without the CRON_SECRET bearer", async () => {
    vi.stubEnv("CRON_SECRET", SECRET);
    expect((await call(null)).status).toBe(401);
    expect((await call("Bearer wrong-secret-0123456789")).status).toBe(401);
    expect(drainDeliveries).not.toHaveBeenCalled();
  });

  it("drains for a bounded time and reports what it did", async () => {
    vi.stubEnv("CRON_SECRET", SECRET);
    const res = await call(`Bearer ${SECRET}`, "?maxSeconds=5");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ claimed: 3, succeeded: 2, retrying: 1, failed: 0 });
    expect(drainDeliveries).toHaveBeenCalledWith({ maxMs: 5_000 });
    await call(`Bearer ${SECRET}`, "?maxSeconds=3600");
    expect(drainDeliveries).toHaveBeenLastCalledWith({ maxMs: 40_000 });
  });
});

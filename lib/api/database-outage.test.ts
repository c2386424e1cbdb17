// While the database cannot be reached, every route answers 503 with Retry-After and a JSON code that
// says so (never 500 INTERNAL), and recovers by itself once it is back. The database is reached through
// a TCP proxy that this test takes down, as a stopped or partitioned server would be.
import { afterAll, describe, expect, it, vi } from "vitest";

import { closeDb } from "@/db";
import { createApiKey } from "@/lib/data/api-keys";
import { createTestAccount } from "@/lib/testing/accounts";
import { createTestConnection, createTestIntegration } from "@/lib/testing/integrations";
import { startTcpProxy } from "@/lib/testing/tcp-proxy";

import { createApiKeyAction } from "@/app/(app)/settings/actions";
import { POST as twilioWebhook } from "@/app/api/channels/twilio/[connectionId]/route";
import { GET as health } from "@/app/api/health/route";
import { POST as cron } from "@/app/api/internal/deliveries/run/route";
import { GET as metrics } from "@/app/api/metrics/route";
import { GET as portalChats } from "@/app/api/portal/chats/route";
import { POST as inbound } from "@/app/api/v1/connections/[connectionId]/inbound/route";

const session = vi.hoisted(() => ({ user: { id: "", accountId: "", email: "", name: "" } }));
vi.mock("@/lib/auth", () => ({
  auth: async () => ({ user: session.user }),
  requireSession: async () => ({ ...session.user, userId: session.user.id }),
}));

// Every pool of this process connects through the proxy (env() is read on first use, after this).
const direct = new URL(process.env.DATABASE_URL!);
const proxy = await startTcpProxy({ host: direct.hostname, port: Number(direct.port || 5432) });
const proxied = new URL(direct);
proxied.hostname = "127.0.0.1";
proxied.port = String(proxy.port);
process.env.DATABASE_URL = proxied.toString();
process.env.DATABASE_CONNECT_TIMEOUT_MS = "500";
process.env.CRON_SECRET = "cron-secret-for-the-outage-test";

session.user = await createTestAccount("Outage");
const { key } = await createApiKey(session.user.accountId, "outage");
const connection = await createTestConnection(session.user.accountId);
await createTestIntegration(session.user.accountId, {
  url: "https://hooks.example.com/in",
  connectionIds: [connection.id],
});

afterAll(async () => {
  await closeDb();
  await proxy.close();
});

const params = (values: Record<string, string>) => ({ params: Promise.resolve(values) });
const sendInbound = () =>
  inbound(
    new Request(`http://localhost:3000/api/v1/connections/${connection.id}/inbound`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({ from: "+15550202020", text: "anyone there?" }),
    }),
    params({ connectionId: connection.id }),
  );

async function expectUnavailable(res: Response) {
  expect(res.status).toBe(503);
  expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
  return res;
}

describe.each([
  ["refuses connections (a stopped server)", () => proxy.refuse()],
  ["accepts connections and never answers (a partition)", () => proxy.blackhole()],
])("while the database %s", (_, takeDown) => {
  it("every kind of route answers 503 with Retry-After, then recovers", async () => {
    expect((await sendInbound()).status).toBe(202);
    takeDown();
    const started = Date.now();

    const api = await expectUnavailable(await sendInbound());
    expect(await api.json()).toEqual({
      error: { code: "UNAVAILABLE", message: expect.stringMatching(/unavailable/) as unknown },
    });
    const portal = await expectUnavailable(
      await portalChats(new Request("http://localhost:3000/api/portal/chats"), params({})),
    );
    expect(await portal.json()).toMatchObject({ error: { code: "UNAVAILABLE" } });
    await expectUnavailable(
      await twilioWebhook(
        new Request(`http://localhost:3000/api/channels/twilio/${connection.id}`, {
          method: "POST",
          body: "",
        }),
        { params: Promise.resolve({ connectionId: connection.id }) },
      ),
    );
    await expectUnavailable(await health());
    await expectUnavailable(
      await cron(
        new Request("http://localhost:3000/api/internal/deliveries/run?maxSeconds=1", {
          method: "POST",
          headers: { authorization: `Bearer ${process.env.CRON_SECRET}` },
        }),
      ),
    );
    await expectUnavailable(await metrics(new Request("http://localhost:3000/api/metrics")));
    expect(await createApiKeyAction({ name: "during the outage" })).toMatchObject({
      ok: false,
      code: "UNAVAILABLE",
      error: expect.stringMatching(/try again/) as unknown,
    });
    // Each answer comes within the connect timeout, not when the operating system gives up.
    expect(Date.now() - started).toBeLessThan(10_000);

    proxy.restore();
    expect((await sendInbound()).status).toBe(202);
  });
});

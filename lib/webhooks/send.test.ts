import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

import { afterAll, beforeAll, expect, it } from "vitest";

import { closeSendPools, RESPONSE_BODY_LIMIT, RESPONSE_BODY_WAIT_MS, sendRequest } from "./send";
import { waitUntil } from "@/lib/testing/wait";

// A plain server (no signature check): these tests are about the transport.
let server: Server;
let origin = "";
// Connections of the never-ending bodies, once the sender dropped them.
const hanging: { url: string; closedAfterMs: number }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    if (req.url === "/big") res.writeHead(503, { "retry-after": "7" }).end("é".repeat(100_000));
    else if (req.url === "/reset") req.socket.destroy();
    else if (req.url === "/endless-big" || req.url === "/endless-small") {
      // Headers and some body, then nothing more: the body never ends.
      res.writeHead(200, { "content-type": "text/plain" });
      res.write(req.url === "/endless-big" ? "x".repeat(5_000) : "partial");
      const closed = Date.now();
      req.socket.once("close", () => hanging.push({ url: req.url!, closedAfterMs: Date.now() - closed }));
    } else res.writeHead(204).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await closeSendPools();
  server.close();
});

const options = { timeoutMs: 2_000, allowPrivateNetworks: true, allowInsecureUrls: true };
const get = (path: string) =>
  sendRequest({ method: "GET", url: origin + path, headers: {}, body: null }, options);

it("keeps the status, the headers and the first 4 KB of the body", async () => {
  const result = await get("/big");
  expect(result.status).toBe(503);
  expect(result.headers?.["retry-after"]).toBe("7");
  expect(Buffer.byteLength(result.body!)).toBeLessThanOrEqual(RESPONSE_BODY_LIMIT);
  expect(result.body!.length).toBeGreaterThan(2_000);
  expect(result.error).toBeNull();
});

it("classifies a connection dropped before any response as NETWORK", async () => {
  const result = await get("/reset");
  expect(result.status).toBeNull();
  expect(result.error?.errorClass).toBe("NETWORK");
});

it("leaves Node's own fetch its own dispatcher (the undici package would take it over)", async () => {
  expect((await get("/")).status).toBe(204);
  const { Agent } = await import("undici");
  const dispatcher = (globalThis as Record<symbol, unknown>)[Symbol.for("undici.globalDispatcher.1")];
  expect(dispatcher).toBeDefined();
  expect(dispatcher).not.toBeInstanceOf(Agent);
});

// The status decides the outcome: a receiver that answers 2xx and never finishes its body must not hold
// the request slot (and its chat) for the whole timeout. With the production timeout (15 s) here.
it.each([
  ["more than the 4 KB kept", "/endless-big", "x".repeat(RESPONSE_BODY_LIMIT), 300],
  ["a little", "/endless-small", "partial", RESPONSE_BODY_WAIT_MS + 500],
])(
  "a 2xx whose body sends %s and never ends: the status counts at once, the connection is dropped",
  async (_what, path, body, withinMs) => {
    const started = Date.now();
    const result = await sendRequest(
      { method: "POST", url: origin + path, headers: {}, body: "{}" },
      { ...options, timeoutMs: 15_000 },
    );
    expect(Date.now() - started).toBeLessThan(withinMs);
    expect(result).toMatchObject({ status: 200, body, error: null });
    // Not kept waiting for a body that does not come: closed within the body's wait.
    const closed = await waitUntil(() => hanging.find((h) => h.url === path), {
      what: "the connection closed",
    });
    expect(closed.closedAfterMs).toBeLessThan(RESPONSE_BODY_WAIT_MS + 500);
  },
);

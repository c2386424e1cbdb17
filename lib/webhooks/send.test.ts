import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

import { afterAll, beforeAll, expect, it } from "vitest";

import { closeSendPools, RESPONSE_BODY_LIMIT, sendRequest } from "./send";

// A plain server (no signature check): these tests are about the transport.
let server: Server;
let origin = "";

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    if (req.url === "/big") res.writeHead(503, { "retry-after": "7" }).end("é".repeat(100_000));
    else if (req.url === "/reset") req.socket.destroy();
    else res.writeHead(204).end();
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

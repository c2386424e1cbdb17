// The app's HTTP server, run by the launcher (`npm start`, `npm run dev`): Next.js's request handler behind
// a node:http server of ours, which first decides what the app may believe about the client's address
// (see forwarded.mjs; TRUST_PROXY) and answers paths Next.js cannot decode (malformed-path.mjs). `next start`
// cannot: it passes a client's X-Forwarded-For through.
// It owns shutdown too: on SIGTERM/SIGINT it stops accepting connections, lets the requests in flight
// and the in-process delivery worker finish, then exits 143/130 like `next start`.
import http from "node:http";
import path from "node:path";

import { adoptClientAddress } from "./forwarded.mjs";
import { answerMalformedPath } from "./malformed-path.mjs";

const started = Date.now();
const dev = process.argv.includes("--dev");
// What `next start` / `next dev` set, before Next.js (and React) load.
process.env.NODE_ENV = dev ? "development" : "production";
const { default: next } = await import("next");
const port = Number(process.env.PORT ?? 3000);
const trustProxy = process.env.TRUST_PROXY === "true" || process.env.TRUST_PROXY === "1";
const dir = path.resolve(import.meta.dirname, "../..");

const server = http.createServer();
const app = next({ dev, dir, port, hostname: "localhost", httpServer: server });
await app.prepare();
const handle = app.getRequestHandler();

server.on("request", (req, res) => {
  if (stopping) res.setHeader("connection", "close");
  adoptClientAddress(req.headers, req.socket.remoteAddress, trustProxy);
  if (answerMalformedPath(req, res)) return;
  handle(req, res).catch((err) => {
    console.error("[server] request failed:", err instanceof Error ? err.name : err);
    if (!res.headersSent) res.statusCode = 500;
    res.end();
  });
});
server.on("error", (err) => {
  console.error(`Could not listen on port ${port}: ${err.message}`);
  process.exit(1);
});
server.listen(port, () =>
  console.log(`  ✓ Ready in ${Date.now() - started}ms (${dev ? "development" : "production"})`),
);

let stopping = false;
async function stop(signal) {
  if (stopping) return;
  stopping = true;
  // No new connections; idle keep-alive ones close now, busy ones after their response.
  const closed = new Promise((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  setInterval(() => server.closeIdleConnections(), 250).unref();
  // The in-process delivery worker (lib/webhooks/in-process.ts) lives in this process's globalThis.
  const worker = await globalThis.__inProcessWorker?.catch(() => null);
  await Promise.all([closed, worker?.stop().catch((err) => console.error("[worker] stop failed:", err))]);
  await app.close();
  process.exit(signal === "SIGINT" ? 130 : 143);
}
for (const signal of ["SIGTERM", "SIGINT"]) process.on(signal, () => void stop(signal));

// Benchmark receiver (a child process of bench/run.ts): an HTTP server on 127.0.0.1 that verifies every
// request's Standard Webhooks signature and reports (delivery id, arrival time) pairs to the parent over
// IPC every 50 ms. Arrival times are wall-clock milliseconds with sub-ms precision. It verifies with
// node:crypto, as the `standardwebhooks` package does but without its pure-JS SHA-256, so that the
// receiver sharing these cores takes less of them (the tests verify with the package itself). A second
// port answers after 20 s (slow endpoints).
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer } from "node:http";

const [port, secret, slowPort] = process.argv.slice(2);
const key = Buffer.from(secret!.replace(/^whsec_/, ""), "base64");
const TOLERANCE_S = 300;

const verifier = {
  verify(body: string, headers: Record<string, string>) {
    const ts = Number(headers["webhook-timestamp"]);
    if (!Number.isFinite(ts) || Math.abs(Date.now() / 1000 - ts) > TOLERANCE_S) throw new Error("timestamp");
    const expected = createHmac("sha256", key).update(`${headers["webhook-id"]}.${ts}.${body}`).digest();
    const ok = headers["webhook-signature"]!.split(" ").some((s) => {
      const [version, sig] = s.split(",");
      const given = Buffer.from(sig ?? "", "base64");
      return version === "v1" && given.length === expected.length && timingSafeEqual(given, expected);
    });
    if (!ok) throw new Error("signature");
  },
};
const now = () => performance.timeOrigin + performance.now();

let ids: string[] = [];
let times: number[] = [];
let rejected = 0;

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    const at = now();
    const body = Buffer.concat(chunks).toString("utf8");
    const id = String(req.headers["webhook-id"] ?? "");
    try {
      verifier.verify(body, {
        "webhook-id": id,
        "webhook-timestamp": String(req.headers["webhook-timestamp"] ?? ""),
        "webhook-signature": String(req.headers["webhook-signature"] ?? ""),
      });
    } catch {
      rejected++;
      res.writeHead(401).end("bad signature");
      return;
    }
    ids.push(id);
    times.push(at);
    res.writeHead(200, { "content-type": "text/plain" }).end("ok");
  });
});
server.keepAliveTimeout = 30_000;

setInterval(() => {
  if (ids.length === 0 && rejected === 0) return;
  process.send!({ ids, times, rejected });
  ids = [];
  times = [];
  rejected = 0;
}, 50);

// A receiver that answers every request after 20 s (the fairness scenario's slow endpoints), on its own
// port: a different origin, as another receiver would be.
const slow = createServer((req, res) => {
  req.resume();
  req.on("end", () => setTimeout(() => res.writeHead(200).end("late"), 20_000).unref());
});
slow.keepAliveTimeout = 30_000;

server.listen(Number(port), "127.0.0.1", () =>
  slow.listen(Number(slowPort), "127.0.0.1", () => process.send!({ ready: true })),
);
process.on("disconnect", () => process.exit(0));

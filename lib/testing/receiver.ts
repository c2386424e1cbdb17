import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";

import { Webhook } from "standardwebhooks";

export interface ReceivedRequest {
  method: string;
  /** Path and query string. */
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** The parsed JSON body (undefined when empty). */
  json: unknown;
  /** The webhook-id header: the delivery id. */
  deliveryId: string;
  receivedAt: number;
}

export interface Reply {
  status?: number;
  headers?: Record<string, string>;
  body?: string;
  /** Wait this long before answering. */
  delayMs?: number;
}

/** Decides the answer to the n-th request (0-based) of this receiver. */
export type Responder = (request: ReceivedRequest, n: number) => Reply | Promise<Reply>;

export interface TestReceiver {
  url: string;
  port: number;
  /** Requests that passed signature verification, in arrival order. */
  requests: ReceivedRequest[];
  /** Requests whose signature did NOT verify (answered 401); tests expect none. */
  rejected: ReceivedRequest[];
  respond: Responder;
  /** Waits until `predicate` holds for the verified requests (Default timeout: 10 s). */
  waitFor(predicate: (requests: ReceivedRequest[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * A webhook receiver on 127.0.0.1 that verifies every request with the public `standardwebhooks`
 * library (as a customer's receiver would) before answering with `respond` (Default: 200).
 */
export async function startReceiver({
  secrets,
  respond = () => ({ status: 200 }),
  port = 0,
}: {
  /** Signing secrets to accept (any one verifying is enough). */
  secrets: string[];
  respond?: Responder;
  port?: number;
}): Promise<TestReceiver> {
  const verifiers = secrets.map((s) => new Webhook(s));
  const sockets = new Set<Socket>();
  let n = 0;
  const receiver: TestReceiver = {
    url: "",
    port: 0,
    requests: [],
    rejected: [],
    respond,
    async waitFor(predicate, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(receiver.requests)) {
        if (Date.now() > deadline) {
          throw new Error(
            `receiver: condition not met within ${timeoutMs} ms (${receiver.requests.length} received)`,
          );
        }
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      void (async () => {
        const body = Buffer.concat(chunks).toString("utf8");
        const request: ReceivedRequest = {
          method: req.method ?? "",
          url: req.url ?? "",
          headers: req.headers,
          body,
          json: body ? (JSON.parse(body) as unknown) : undefined,
          deliveryId: String(req.headers["webhook-id"] ?? ""),
          receivedAt: Date.now(),
        };
        const signed = {
          "webhook-id": String(req.headers["webhook-id"] ?? ""),
          "webhook-timestamp": String(req.headers["webhook-timestamp"] ?? ""),
          "webhook-signature": String(req.headers["webhook-signature"] ?? ""),
        };
        const verified = verifiers.some((v) => {
          try {
            v.verify(body, signed);
            return true;
          } catch {
            return false;
          }
        });
        if (!verified) {
          receiver.rejected.push(request);
          res.writeHead(401).end("bad signature");
          return;
        }
        receiver.requests.push(request);
        const reply = await receiver.respond(request, n++);
        if (reply.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs));
        if (res.destroyed) return;
        res.writeHead(reply.status ?? 200, reply.headers).end(reply.body ?? "ok");
      })();
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  receiver.port = (server.address() as AddressInfo).port;
  receiver.url = `http://127.0.0.1:${receiver.port}`;
  return receiver;
}

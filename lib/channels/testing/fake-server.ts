// A small recording HTTP server on 127.0.0.1 that the provider fakes build on. Test code only.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: Record<string, string>;
  /** Lower-cased names, as Node gives them. */
  headers: Record<string, string>;
  body: string;
  /** Parsed form fields of an `application/x-www-form-urlencoded` body. */
  form?: Record<string, string[]>;
  /** Parsed JSON body, when it is JSON. */
  json?: unknown;
}

export interface FakeResponse {
  status: number;
  /** An object is sent as JSON; a string as is. */
  body?: unknown;
  headers?: Record<string, string>;
  /** Waits this long before answering (for timeouts). */
  delayMs?: number;
  /** Drops the connection without an answer (a network error for the client). */
  hangUp?: boolean;
}

export interface FakeServer {
  /** Origin to use as the provider's API base URL, e.g. `http://127.0.0.1:4241`. */
  url: string;
  /** Every request received, oldest first. */
  requests: RecordedRequest[];
  /** Answers the next requests with these, in order, whatever the fake would have answered. */
  respondNext(...responses: FakeResponse[]): void;
  close(): Promise<void>;
}

async function record(req: IncomingMessage): Promise<RecordedRequest> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks).toString("utf8");
  const url = new URL(req.url ?? "/", "http://fake");
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  const recorded: RecordedRequest = {
    method: req.method ?? "GET",
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    headers,
    body,
  };
  const type = headers["content-type"] ?? "";
  if (type.startsWith("application/x-www-form-urlencoded")) {
    const form: Record<string, string[]> = {};
    for (const [key, value] of new URLSearchParams(body)) (form[key] ??= []).push(value);
    recorded.form = form;
  } else if (type.startsWith("application/json")) {
    try {
      recorded.json = JSON.parse(body);
    } catch {
      // Left unparsed: the fake answers it as the provider would answer bad JSON.
    }
  }
  return recorded;
}

function answer(res: ServerResponse, response: FakeResponse): void {
  if (response.hangUp) {
    res.socket?.destroy();
    return;
  }
  const isText = typeof response.body === "string";
  const body =
    response.body === undefined ? "" : isText ? (response.body as string) : JSON.stringify(response.body);
  res.writeHead(response.status, {
    ...(body
      ? { "content-type": isText ? "text/plain; charset=utf-8" : "application/json; charset=utf-8" }
      : {}),
    ...response.headers,
  });
  res.end(body);
}

/** Starts a recording server that answers with `handle` (Default port: 0, any free one). */
export async function startFakeServer(
  handle: (request: RecordedRequest, origin: string) => FakeResponse,
  { port = 0 }: { port?: number } = {},
): Promise<FakeServer> {
  const requests: RecordedRequest[] = [];
  const queued: FakeResponse[] = [];
  let origin = "";
  const server = createServer((req, res) => {
    void record(req).then(async (recorded) => {
      requests.push(recorded);
      const response = queued.shift() ?? handle(recorded, origin);
      if (response.delayMs) await new Promise((r) => setTimeout(r, response.delayMs));
      if (!res.destroyed) answer(res, response);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", resolve);
  });
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: origin,
    requests,
    respondNext: (...responses) => queued.push(...responses),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

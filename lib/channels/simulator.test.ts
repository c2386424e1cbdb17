import { describe, expect, it } from "vitest";

import { matching } from "./testing/matchers";
import { createSimulatorAdapter, simulatedSends } from "./simulator";

const request = (body: unknown) => ({
  method: "POST",
  url: "http://localhost/simulator",
  headers: new Headers({ "content-type": "application/json" }),
  body: typeof body === "string" ? body : JSON.stringify(body),
});

describe("simulator channel", () => {
  const adapter = createSimulatorAdapter("a8a4d7e2-5d0c-4d6b-9a43-8f1f3c2b1a00");

  it("reads the plain JSON the simulator posts", async () => {
    const result = await adapter.receive(
      request({
        from: "+1 (555) 010-2000",
        text: "Hi",
        multimedia: { url: "https://cdn.example.com/a.png", caption: "A" },
      }),
    );
    expect(result).toMatchObject({
      kind: "messages",
      messages: [
        {
          from: "+15550102000",
          text: "Hi",
          multimedia: { url: "https://cdn.example.com/a.png", caption: "A" },
          externalId: matching(/^SIM[0-9a-f]{32}$/),
        },
      ],
      reply: { status: 200 },
    });
  });

  it.each([
    ["not JSON", "{", /not JSON/],
    ["no sender", { text: "Hi" }, /contact's number/],
    ["no content", { from: "+15550102000" }, /Send a text/],
    [
      "a bad image URL",
      { from: "+15550102000", multimedia: { url: "javascript:alert(1)" } },
      /multimedia URL/,
    ],
  ])("refuses %s with a 400", async (_, body, reason) => {
    const result = await adapter.receive(request(body));
    expect(result).toMatchObject({
      kind: "rejected",
      reason: matching(reason),
      reply: { status: 400 },
    });
  });

  it("records outbound sends without any network", async () => {
    const result = await adapter.send({ to: "+15550102000", text: "Thanks!" });
    expect(result).toEqual({ ok: true, externalId: matching(/^SIM/) });
    expect(simulatedSends("a8a4d7e2-5d0c-4d6b-9a43-8f1f3c2b1a00").at(-1)).toMatchObject({
      externalId: result.ok ? result.externalId : "",
      message: { to: "+15550102000", text: "Thanks!" },
    });
    expect(await adapter.send({ to: "+15550102000" })).toMatchObject({
      ok: false,
      error: { reason: "INVALID" },
    });
  });
});

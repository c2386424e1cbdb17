import { describe, expect, it } from "vitest";

import type { AuthConfig, FieldRow } from "@/lib/validation/integration-fields";

import { headerRowErrors } from "./headers";

const row = (key: string, value = "x"): FieldRow => ({ key, value, type: "TEXT" });
const none: AuthConfig = { type: "NONE" };

describe("custom header rules", () => {
  it("accepts token names", () => {
    expect(headerRowErrors([row("X-Tenant"), row("x_trace.id"), row("Accept")], none)).toEqual({});
  });

  it.each<[string, FieldRow[], AuthConfig, RegExp]>([
    ["a space in the name", [row("X Tenant")], none, /no spaces/],
    ["a colon in the name", [row("X:Y")], none, /may only use/],
    ["Content-Type", [row("content-type")], none, /set by the platform/],
    ["Content-Length", [row("Content-Length")], none, /set by the platform/],
    ["a signing header", [row("Webhook-Signature")], none, /set by the platform/],
    ["Authorization with Bearer auth", [row("Authorization")], { type: "BEARER" }, /Auth tab/],
    [
      "the API key header",
      [row("x-api-key")],
      { type: "API_KEY", keyName: "X-Api-Key", placement: "HEADER" },
      /Auth tab/,
    ],
    ["a line break in the value", [row("X-A", "a\r\nInjected: 1")], none, /line breaks/],
  ])("refuses %s", (_name, rows, auth, message) => {
    expect(headerRowErrors(rows, auth)[0]).toMatch(message);
  });

  it("refuses the same header twice, on the second row", () => {
    expect(headerRowErrors([row("X-A"), row("x-a")], none)).toEqual({
      1: "x-a is already set in another row",
    });
  });

  it("allows Authorization when the Auth tab does not use it", () => {
    expect(
      headerRowErrors([row("Authorization")], { type: "API_KEY", keyName: "key", placement: "QUERY" }),
    ).toEqual({});
  });
});

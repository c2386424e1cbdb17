import { describe, expect, it } from "vitest";

import { hasMalformedEscapes } from "./malformed-path.mjs";

describe("hasMalformedEscapes", () => {
  it.each([
    "/api/v1/integrations/%FF/chats",
    "/integrations/%E0%A4%A/edit",
    "/x/%",
    "/x/%G1",
    "/%C0%AF",
    "/%ED%A0%80",
  ])("finds %s malformed", (path) => expect(hasMalformedEscapes(path)).toBe(true));
  it.each([
    "/",
    "/api/v1/integrations/6f1d0a52-1b7e-4c39-9a77-2f3c1f9e8a10/chats",
    "/a%20b",
    "/%E2%9C%93",
    "/%00",
  ])("finds %s well-formed", (path) => expect(hasMalformedEscapes(path)).toBe(false));
});

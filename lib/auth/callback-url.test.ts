import { describe, expect, it } from "vitest";

import { safeCallbackPath } from "./callback-url";

describe("safeCallbackPath", () => {
  it.each([
    ["/campaigns", "/campaigns"],
    ["/chats?status=OPEN&chat=1#top", "/chats?status=OPEN&chat=1#top"],
    ["/campaigns/../settings", "/settings"],
  ])("keeps the path %j", (raw, expected) => {
    expect(safeCallbackPath(raw)).toBe(expected);
  });

  it.each([
    "//evil.example.com/login",
    "///evil.example.com",
    "/\\evil.example.com",
    "/\t/evil.example.com",
    "/\n/evil.example.com",
    "https://evil.example.com/",
    "http://localhost:3000/campaigns",
    "javascript:alert(1)",
    "evil.example.com",
    "",
    undefined,
    ["/campaigns"],
  ])("refuses %j", (raw) => {
    expect(safeCallbackPath(raw)).toBe("/integrations");
  });
});

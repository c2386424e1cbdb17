import { describe, expect, it } from "vitest";

import type { FieldRow } from "@/lib/validation/integration-fields";

import { buildBody, parseKeyPath } from "./body";
import { sampleEvent } from "./sample-event";

const text = (key: string, value = "v"): FieldRow => ({ key, value, type: "TEXT" });
const variable = (key: string, value: string): FieldRow => ({ key, value, type: "VARIABLE" });

describe("body key notation", () => {
  it.each([
    ["chatId", [{ kind: "key", name: "chatId" }]],
    [
      "multimedia.url",
      [
        { kind: "key", name: "multimedia" },
        { kind: "key", name: "url" },
      ],
    ],
    ["tags[]", [{ kind: "key", name: "tags" }, { kind: "append" }]],
    [
      "items[0].id",
      [
        { kind: "key", name: "items" },
        { kind: "index", index: 0 },
        { kind: "key", name: "id" },
      ],
    ],
    ["a-b_c$", [{ kind: "key", name: "a-b_c$" }]],
  ])("parses %s", (key, path) => {
    expect(parseKeyPath(key)).toEqual(path);
  });

  it.each(["", ".a", "a.", "a..b", "a[", "a[x]", "a b", "[0]", "a.[0]"])("refuses %j", (key) => {
    expect(parseKeyPath(key)).toBeNull();
  });
});

describe("buildBody", () => {
  const vars = sampleEvent({ text: "hello", multimediaUrl: null });

  it.each<[string, FieldRow[], unknown]>([
    [
      "flat variables",
      [variable("chatId", "chatId"), variable("text", "text")],
      { chatId: vars.chatId, text: "hello" },
    ],
    [
      "null variables stay null",
      [variable("multimedia.url", "multimediaUrl")],
      { multimedia: { url: null } },
    ],
    [
      "nested objects share parents",
      [text("customer.name", "Ada"), text("customer.tier", "gold")],
      { customer: { name: "Ada", tier: "gold" } },
    ],
    ["[] appends", [text("tags[]", "a"), text("tags[]", "b")], { tags: ["a", "b"] }],
    [
      "indexed objects",
      [text("items[0].id", "1"), text("items[0].qty", "2"), text("items[1].id", "3")],
      { items: [{ id: "1", qty: "2" }, { id: "3" }] },
    ],
    ["arrays of arrays", [text("m[0][]", "x"), text("m[0][]", "y")], { m: [["x", "y"]] }],
  ])("%s", (_name, rows, expected) => {
    expect(buildBody(rows, vars)).toEqual({ body: expected, errors: {} });
  });

  it("shows placeholders without an event", () => {
    expect(buildBody([variable("who", "contact")], null).body).toEqual({ who: "{{contact}}" });
  });

  it.each<[string, FieldRow[], number, RegExp]>([
    [
      "leaf then child",
      [text("a"), text("a.b")],
      1,
      /^"a.b" conflicts with "a": .* both a value and a parent/,
    ],
    [
      "child then leaf",
      [text("a.b"), text("a")],
      1,
      /^"a" conflicts with "a.b": .* both a value and a parent/,
    ],
    ["element then child", [text("a[]"), text("a[0].b")], 1, /^"a\[0\].b" conflicts with "a\[\]"/],
    ["list then object", [text("a[]"), text("a.b")], 1, /list/],
    ["object then list", [text("a.b"), text("a[]")], 1, /object/],
    ["duplicate key", [text("chatId"), text("chatId")], 1, /^"chatId" is a duplicate key: it is already set/],
    [
      "duplicate nested key",
      [text("multimedia.url"), text(" multimedia.url ")],
      1,
      /^"multimedia.url" is a duplicate key/,
    ],
    ["duplicate element", [text("a[0]"), text("a[0]")], 1, /^"a\[0\]" is a duplicate key/],
    ["one element two ways", [text("a[]"), text("a[0]")], 1, /^"a\[0\]" sets the same field as "a\[\]"/],
    ["skipped index", [text("a[1]")], 0, /skips/],
    ["bad syntax", [text("a..b")], 0, /dots for nesting/],
  ])("reports %s on the offending row", (_name, rows, row, message) => {
    const { errors } = buildBody(rows, vars);
    expect(Object.keys(errors)).toEqual([String(row)]);
    expect(errors[row]).toMatch(message);
  });
});

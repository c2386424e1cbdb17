import { describe, expect, it } from "vitest";

import { joinUrl, splitUrl } from "./url";

describe("URL and Params stay in sync", () => {
  it.each([
    ["https://api.example.com/hook", "https://api.example.com/hook", []],
    [
      "https://api.example.com/hook?source=sms&who={{contact}}",
      "https://api.example.com/hook",
      [
        { key: "source", value: "sms", type: "TEXT" },
        { key: "who", value: "contact", type: "VARIABLE" },
      ],
    ],
    [
      "https://x.io/h?flag&a=b%20c",
      "https://x.io/h",
      [
        { key: "flag", value: "", type: "TEXT" },
        { key: "a", value: "b c", type: "TEXT" },
      ],
    ],
    ["https://x.io/h?a=1#frag", "https://x.io/h", [{ key: "a", value: "1", type: "TEXT" }]],
  ])("splits %s", (typed, base, params) => {
    expect(splitUrl(typed)).toEqual({ base, params });
  });

  it("joins rows back into the same text", () => {
    const typed = "https://api.example.com/hook?source=sms&who={{contact}}&q=a%20b";
    const { base, params } = splitUrl(typed);
    expect(joinUrl(base, params)).toBe(typed);
    expect(joinUrl(base, [])).toBe(base);
  });
});

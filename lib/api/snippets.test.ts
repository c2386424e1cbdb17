import { describe, expect, it } from "vitest";

import { curlSnippet, javascriptSnippet, pythonSnippet } from "./snippets";

const request = {
  method: "post",
  url: "https://p.example.com/api/v1/integrations/i/messages",
  body: { chatId: "c", text: "It's here", ok: true, n: null },
};

describe("code samples", () => {
  it("curl quotes the body for a POSIX shell", () => {
    const curl = curlSnippet(request);
    expect(curl).toContain("curl -X POST 'https://p.example.com/api/v1/integrations/i/messages'");
    expect(curl).toContain(`--data '{"chatId":"c","text":"It'\\''s here","ok":true,"n":null}'`);
  });

  it("JavaScript sends JSON with the key from the environment", () => {
    const js = javascriptSnippet(request);
    expect(js).toContain('method: "POST"');
    expect(js).toContain("Idempotency-Key");
    expect(js).toContain('"text": "It\'s here"');
  });

  it("Python writes JSON values as Python literals", () => {
    expect(pythonSnippet(request)).toContain(
      `json={"chatId": "c", "text": "It's here", "ok": True, "n": None}`,
    );
    expect(pythonSnippet({ method: "get", url: "https://x" })).not.toContain("json=");
  });
});

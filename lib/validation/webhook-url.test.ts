import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { integrationFormValues } from "@/lib/validation/integration";
import { previewRequest } from "@/lib/webhooks/preview";

import { webhookUrlSchema } from "./webhook-url";

const problem = (url: string, allowInsecureUrls: boolean) => {
  const result = webhookUrlSchema({ allowInsecureUrls }).safeParse(url);
  return result.success ? null : result.error.issues[0]!.message;
};

describe("the webhook URL rule", () => {
  it.each<[string, string | null, string | null]>([
    // URL as typed, problem with https only, problem where http is allowed too
    ["https://example.com", null, null],
    ["https://example.com/a/b?x=1&y={{contact}}", null, null],
    ["  https://example.com/in  ", null, null],
    ["http://localhost:4000/in", "Use https:// — plain http:// is not allowed here", null],
    [
      "",
      "Enter the URL of your endpoint, like https://your-domain/your-path",
      "Enter the URL of your endpoint, like https://your-domain/your-path",
    ],
    [
      "?a=1",
      "Enter the URL of your endpoint, like https://your-domain/your-path",
      "Enter the URL of your endpoint, like https://your-domain/your-path",
    ],
    [
      "not a url",
      "Enter an absolute URL, like https://your-domain/your-path",
      "Enter an absolute URL, like https://your-domain/your-path",
    ],
    [
      "example.com/in",
      "Enter an absolute URL, like https://your-domain/your-path",
      "Enter an absolute URL, like https://your-domain/your-path",
    ],
    [
      "ftp://example.com/in",
      "The URL must start with https://",
      "The URL must start with https:// or http://",
    ],
    [
      "javascript:alert(1)",
      "The URL must start with https://",
      "The URL must start with https:// or http://",
    ],
    [
      "mailto:ada@example.com",
      "The URL must start with https://",
      "The URL must start with https:// or http://",
    ],
    ["data:text/plain,hi", "The URL must start with https://", "The URL must start with https:// or http://"],
    [
      "https://ada:pw@example.com/in",
      "Put credentials in the Auth tab, not in the URL",
      "Put credentials in the Auth tab, not in the URL",
    ],
    [
      `https://example.com/${"a".repeat(2000)}`,
      "The URL is too long (at most 2000 characters)",
      "The URL is too long (at most 2000 characters)",
    ],
  ])("%j", (url, httpsOnly, insecureAllowed) => {
    expect(problem(url, false)).toBe(httpsOnly);
    expect(problem(url, true)).toBe(insecureAllowed);
  });
});

describe("the request preview and the URL rule agree", () => {
  const preview = (url: string, allowInsecureUrls: boolean) =>
    previewRequest(
      { ...integrationFormValues(), alias: "Orders", url },
      { integrationId: null, timestamp: 1_780_000_000, allowInsecureUrls },
    );

  it("draws a request exactly for the URLs the form accepts, and shows the form's message otherwise", () => {
    const typed = fc.oneof(
      fc.string(),
      fc.webUrl({ withQueryParameters: true }),
      fc
        .tuple(
          fc.constantFrom(
            "https://",
            "http://",
            "ftp://",
            "javascript:",
            "file:///",
            "data:",
            "HTTPS://",
            "",
            " ",
          ),
          fc.string(),
        )
        .map(([scheme, rest]) => scheme + rest),
    );
    fc.assert(
      fc.property(typed, fc.boolean(), (url, allowInsecureUrls) => {
        const refused = problem(url, allowInsecureUrls);
        const shown = preview(url, allowInsecureUrls);
        expect(shown).toEqual(
          refused === null ? expect.objectContaining({ ok: true }) : { ok: false, message: refused },
        );
      }),
      { numRuns: 500 },
    );
  });

  it.each(["ftp://example.com/in", "javascript:alert(1)", "not a url"])("refuses %j", (url) => {
    expect(preview(url, true).ok).toBe(false);
  });
});

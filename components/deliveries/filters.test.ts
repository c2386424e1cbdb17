import { describe, expect, it } from "vitest";

import { fillMinutes, summarize } from "./chart-data";
import { deliveriesUrl, filtersFromParams, filtersToParams, NO_FILTERS, timeWindow } from "./filters";

const chat = "3f1c2a8e-5b7d-4c61-9e2a-7d4b8c9f0a12";

describe("the log's filters in the URL", () => {
  it("round-trip, defaults left out", () => {
    const query = `status=FAILED&event=END&contact=%2B15551234567&chat=${chat}&range=24h&tests=0`;
    const filters = filtersFromParams(new URLSearchParams(query));
    expect(filters).toEqual({
      status: "FAILED",
      event: "END",
      contact: "+15551234567",
      chatId: chat,
      range: "24h",
      from: null,
      to: null,
      tests: false,
    });
    expect(filtersToParams(filters).toString()).toBe(query);
    expect(filtersToParams(NO_FILTERS).toString()).toBe("");
  });

  it("ignore what the database could not take: a NUL in the contact, years 0000 and 10000", () => {
    for (const query of [
      "contact=%5C%00%5C",
      `contact=${"1".repeat(65)}`,
      "from=0000-01-01T00:00:00Z",
      "to=9999-12-31T23:59:59-14:00",
    ]) {
      expect(filtersFromParams(new URLSearchParams(query)), query).toEqual(NO_FILTERS);
    }
  });

  it("ignore what is malformed, and read from/to as a custom range", () => {
    expect(filtersFromParams(new URLSearchParams("status=LOST&chat=nope&range=2y&from=never"))).toEqual(
      NO_FILTERS,
    );
    const custom = filtersFromParams(new URLSearchParams("from=2026-03-01T10:00:00.000Z"));
    expect(custom).toMatchObject({ range: "custom", from: "2026-03-01T10:00:00.000Z", to: null });
  });
});

describe("asking the list endpoint", () => {
  it("resolves relative ranges against the clock", () => {
    const now = Date.parse("2026-03-01T12:00:00Z");
    expect(timeWindow({ ...NO_FILTERS, range: "1h" }, now)).toEqual({
      from: new Date("2026-03-01T11:00:00Z"),
    });
    expect(timeWindow(NO_FILTERS, now)).toEqual({});
  });

  it("builds the query string, a status override and the cursor", () => {
    const url = deliveriesUrl(
      "i-1",
      { ...NO_FILTERS, chatId: chat, tests: false },
      { status: "FAILED", cursor: "bG9nfDIwMjYtMTItMDFUMDA6MDA6MDAuMDAwMDAwWnw0Mg" },
    );
    const params = new URL(url, "http://x").searchParams;
    expect(url.startsWith("/api/portal/integrations/i-1/deliveries?")).toBe(true);
    expect(Object.fromEntries(params)).toEqual({
      status: "FAILED",
      chatId: chat,
      includeTests: "false",
      cursor: "bG9nfDIwMjYtMTItMDFUMDA6MDA6MDAuMDAwMDAwWnw0Mg",
    });
  });
});

describe("the chart's data", () => {
  it("has every minute of the window, quiet ones as zeros, and sums up", () => {
    const now = Date.parse("2026-03-01T12:00:30Z");
    const points = fillMinutes(
      [
        {
          minute: "2026-03-01T11:58:00.000Z",
          succeeded: 3,
          failed: 1,
          skipped: 0,
          retrying: 0,
          pending: 0,
          p50LatencyMs: 40.4,
          p95LatencyMs: 120.6,
        },
        {
          minute: "2026-03-01T12:00:00.000Z",
          succeeded: 1,
          failed: 0,
          skipped: 2,
          retrying: 1,
          pending: 2,
          p50LatencyMs: 30,
          p95LatencyMs: 300,
        },
      ],
      60,
      now,
    );
    expect(points).toHaveLength(60);
    expect(points.at(-1)).toMatchObject({ time: Date.parse("2026-03-01T12:00:00Z"), pending: 2, p95: 300 });
    expect(points.at(-3)).toMatchObject({ succeeded: 3, failed: 1, p50: 40, p95: 121 });
    expect(points.at(-2)).toMatchObject({ succeeded: 0, p50: null });
    expect(summarize(points)).toMatchObject({
      total: 10,
      succeeded: 4,
      failed: 1,
      skipped: 2,
      retrying: 1,
      pending: 2,
    });
    expect(summarize(points).slowest?.time).toBe(Date.parse("2026-03-01T12:00:00Z"));
  });
});

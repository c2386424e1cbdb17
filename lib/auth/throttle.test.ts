import { randomUUID } from "node:crypto";

import { describe, expect, it } from "vitest";

import { adoptClientAddress } from "@/scripts/lib/forwarded.mjs";

import { AttemptThrottle, clientAddress } from "./throttle";

// A name of its own per test: counts in the shared store (lib/api/rate-limit.ts) outlive a test run.
const throttle = (perEmail = { attempts: 10, minutes: 1 }, perAddress = { attempts: 30, minutes: 1 }) =>
  new AttemptThrottle({ name: `test_${randomUUID().slice(0, 8)}`, perEmail, perAddress });

describe("sign-in throttle", () => {
  it("allows 10 attempts per email, whatever the letter case, then refuses until the window is over", async () => {
    const t = throttle({ attempts: 10, minutes: 1 / 60 });
    for (let i = 0; i < 10; i++) expect((await t.take("Ada@Example.com", `10.0.0.${i}`)).allowed).toBe(true);
    expect(await t.take("ada@example.com", "10.0.1.1")).toEqual({ allowed: false, retryAfterSeconds: 1 });
    // Another email is not affected; once the window is over the first one may try again.
    expect((await t.take("grace@example.com", "10.0.1.1")).allowed).toBe(true);
    await new Promise((r) => setTimeout(r, 1_100));
    expect((await t.take("ada@example.com", "10.0.1.1")).allowed).toBe(true);
  });

  it("allows 30 attempts per client address, across emails", async () => {
    const t = throttle();
    for (let i = 0; i < 30; i++)
      expect((await t.take(`user${i}@example.com`, "203.0.113.9")).allowed).toBe(true);
    expect((await t.take("new@example.com", "203.0.113.9")).allowed).toBe(false);
    expect((await t.take("new@example.com", "203.0.113.10")).allowed).toBe(true);
  });

  it("counts an IPv6 /64 as one address, and an IPv4-mapped address as its IPv4 one", async () => {
    const t = throttle(undefined, { attempts: 2, minutes: 1 });
    expect((await t.take("a@example.com", "2001:db8:1:2::1")).allowed).toBe(true);
    expect((await t.take("b@example.com", "2001:db8:1:2:ffff::9")).allowed).toBe(true);
    expect((await t.take("c@example.com", "2001:db8:1:2:abcd::")).allowed).toBe(false);
    expect((await t.take("c@example.com", "2001:db8:1:3::1")).allowed).toBe(true);

    expect((await t.take("a@example.com", "::ffff:198.51.100.1")).allowed).toBe(true);
    expect((await t.take("b@example.com", "198.51.100.1")).allowed).toBe(true);
    expect((await t.take("c@example.com", "198.51.100.1")).allowed).toBe(false);
  });
});

describe("the client's address", () => {
  const seen = (headers: Record<string, string>, peer: string, trustProxy: boolean) => {
    const rewritten: Record<string, string | string[] | undefined> = { ...headers };
    adoptClientAddress(rewritten, peer, trustProxy);
    return {
      address: clientAddress(new Headers(rewritten as Record<string, string>)),
      forwardedHost: rewritten["x-forwarded-host"],
    };
  };

  it("without TRUST_PROXY is the socket's peer, whatever X-Forwarded-* the client sends", () => {
    const spoofed = {
      "x-forwarded-for": "198.51.100.7",
      "x-forwarded-host": "evil.example",
      "x-real-ip": "198.51.100.8",
      forwarded: "for=198.51.100.9",
    };
    expect(seen(spoofed, "203.0.113.5", false)).toEqual({ address: "203.0.113.5", forwardedHost: undefined });
    expect(seen({}, "::ffff:127.0.0.1", false).address).toBe("127.0.0.1");
  });

  it("with TRUST_PROXY is the address the proxy appended last", () => {
    const viaProxy = { "x-forwarded-for": "198.51.100.7, 203.0.113.9", "x-forwarded-host": "portal.example" };
    expect(seen(viaProxy, "10.0.0.2", true)).toEqual({
      address: "203.0.113.9",
      forwardedHost: "portal.example",
    });
    // A request that came without the header (not through the proxy): the peer.
    expect(seen({}, "10.0.0.2", true).address).toBe("10.0.0.2");
  });

  it("is 'unknown' when there is none, or it is not an address", () => {
    expect(clientAddress(new Headers())).toBe("unknown");
    expect(clientAddress(new Headers({ "x-forwarded-for": "not-an-ip" }))).toBe("unknown");
  });
});

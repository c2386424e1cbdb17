import { describe, expect, it } from "vitest";

import { adoptClientAddress } from "@/scripts/lib/forwarded.mjs";

import { AttemptThrottle, clientAddress } from "./throttle";

describe("sign-in throttle", () => {
  it("allows 10 attempts a minute per email, whatever the letter case, then refills", () => {
    let now = 0;
    const throttle = new AttemptThrottle({ now: () => now });
    for (let i = 0; i < 10; i++) expect(throttle.take("Ada@Example.com", `10.0.0.${i}`).allowed).toBe(true);
    const refused = throttle.take("ada@example.com", "10.0.1.1");
    expect(refused).toEqual({ allowed: false, retryAfterSeconds: 6 });
    // Another email is not affected; after a refill the first one may try again.
    expect(throttle.take("grace@example.com", "10.0.1.1").allowed).toBe(true);
    now += 6_000;
    expect(throttle.take("ada@example.com", "10.0.1.1").allowed).toBe(true);
  });

  it("allows 30 attempts a minute per client address, across emails", () => {
    const throttle = new AttemptThrottle({ now: () => 0 });
    for (let i = 0; i < 30; i++)
      expect(throttle.take(`user${i}@example.com`, "203.0.113.9").allowed).toBe(true);
    expect(throttle.take("new@example.com", "203.0.113.9").allowed).toBe(false);
    expect(throttle.take("new@example.com", "203.0.113.10").allowed).toBe(true);
  });

  it("counts an IPv6 /64 as one address, and an IPv4-mapped address as its IPv4 one", () => {
    const throttle = new AttemptThrottle({ now: () => 0, perAddress: { burst: 2, perMinute: 1 } });
    expect(throttle.take("a@example.com", "2001:db8:1:2::1").allowed).toBe(true);
    expect(throttle.take("b@example.com", "2001:db8:1:2:ffff::9").allowed).toBe(true);
    expect(throttle.take("c@example.com", "2001:db8:1:2:abcd::").allowed).toBe(false);
    expect(throttle.take("c@example.com", "2001:db8:1:3::1").allowed).toBe(true);

    expect(throttle.take("a@example.com", "::ffff:198.51.100.1").allowed).toBe(true);
    expect(throttle.take("b@example.com", "198.51.100.1").allowed).toBe(true);
    expect(throttle.take("c@example.com", "198.51.100.1").allowed).toBe(false);
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

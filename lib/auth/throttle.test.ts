import { describe, expect, it } from "vitest";

import { clientAddress, SignInThrottle } from "./throttle";

describe("sign-in throttle", () => {
  it("allows 10 attempts a minute per email, whatever the letter case, then refills", () => {
    let now = 0;
    const throttle = new SignInThrottle({ now: () => now });
    for (let i = 0; i < 10; i++) expect(throttle.take("Ada@Example.com", `10.0.0.${i}`).allowed).toBe(true);
    const refused = throttle.take("ada@example.com", "10.0.1.1");
    expect(refused).toEqual({ allowed: false, retryAfterSeconds: 6 });
    // Another email is not affected; after a refill the first one may try again.
    expect(throttle.take("grace@example.com", "10.0.1.1").allowed).toBe(true);
    now += 6_000;
    expect(throttle.take("ada@example.com", "10.0.1.1").allowed).toBe(true);
  });

  it("allows 30 attempts a minute per client address, across emails", () => {
    const throttle = new SignInThrottle({ now: () => 0 });
    for (let i = 0; i < 30; i++)
      expect(throttle.take(`user${i}@example.com`, "203.0.113.9").allowed).toBe(true);
    expect(throttle.take("new@example.com", "203.0.113.9").allowed).toBe(false);
    expect(throttle.take("new@example.com", "203.0.113.10").allowed).toBe(true);
  });

  it("reads the client address nearest the server from X-Forwarded-For", () => {
    expect(clientAddress(new Headers({ "x-forwarded-for": "198.51.100.7, 203.0.113.9" }))).toBe(
      "203.0.113.9",
    );
    expect(clientAddress(new Headers({ "x-forwarded-for": "::1" }))).toBe("::1");
    expect(clientAddress(new Headers())).toBe("unknown");
  });
});

import { describe, expect, it } from "vitest";

import { decryptSecret, encryptSecret, maskSecret } from "./secrets";

describe("secrets at rest", () => {
  it("round-trips and never stores the plain text", () => {
    const stored = encryptSecret("whsec_super-secret-value");
    expect(stored).not.toContain("super-secret");
    expect(stored.startsWith("v1.")).toBe(true);
    expect(decryptSecret(stored)).toBe("whsec_super-secret-value");
  });

  it("uses a fresh IV each time", () => {
    expect(encryptSecret("same")).not.toBe(encryptSecret("same"));
  });

  it("refuses tampered ciphertext", () => {
    const [v, iv, tag, ct] = encryptSecret("token-123").split(".");
    const flipped = Buffer.from(ct!, "base64url");
    flipped[0] = flipped[0]! ^ 1;
    expect(() => decryptSecret([v, iv, tag, flipped.toString("base64url")].join("."))).toThrow();
    expect(() => decryptSecret("not-a-secret")).toThrow(/format/);
  });

  it("masks all but a few characters", () => {
    expect(maskSecret("abcdefghijklmnop")).toBe("abcd••••••••op");
    expect(maskSecret("short")).toBe("••••••••");
  });
});

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

  it("refuses a truncated authentication tag", () => {
    const [v, iv, tag, ct] = encryptSecret("token-123").split(".");
    // A prefix of the right tag is what GCM checks when it is told no tag length: 4 bytes are forgeable.
    for (const bytes of [4, 8, 12, 15]) {
      const short = Buffer.from(tag!, "base64url").subarray(0, bytes).toString("base64url");
      expect(() => decryptSecret([v, iv, short, ct].join("."))).toThrow();
    }
  });

  it("masks all but the last 4 characters, and all of a short secret", () => {
    expect(maskSecret("abcdefghijklmnop")).toBe("••••••••mnop");
    expect(maskSecret("whsec_0123456789")).toBe("••••••••6789");
    expect(maskSecret("abcdefghijkl")).toBe("••••••••ijkl");
    expect(maskSecret("abcdefghijk")).toBe("••••••••");
    expect(maskSecret("short")).toBe("••••••••");
    expect(maskSecret("")).toBe("••••••••");
  });
});

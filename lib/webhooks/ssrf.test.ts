import { lookup } from "node:dns/promises";

import { afterAll, describe, expect, it } from "vitest";

import { startReceiver } from "@/lib/testing/receiver";

import { closeSendPools, sendRequest, type SendOptions } from "./send";
import { blockedAddressReason, resolveTarget, type Resolver } from "./ssrf";

// Fake DNS: names a test controls, as an attacker controls their own zone.
const fakeDns: Resolver = async (host) => {
  const answers: Record<string, string[]> = {
    "rebind.test": ["127.0.0.1"],
    "mixed.test": ["93.184.216.34", "10.0.0.7"],
    "public.test": ["93.184.216.34"],
  };
  const list = answers[host];
  if (!list) throw Object.assign(new Error("not found"), { code: "ENOTFOUND" });
  return list.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
};

const strict: SendOptions = {
  timeoutMs: 1_000,
  allowPrivateNetworks: false,
  allowInsecureUrls: true,
  resolver: fakeDns,
};
const post = (url: string, options: SendOptions = strict) =>
  sendRequest({ method: "POST", url, headers: { "content-type": "application/json" }, body: "{}" }, options);

afterAll(() => closeSendPools());

describe("SSRF guard", () => {
  it.each([
    ["127.0.0.1", /loopback/],
    ["127.1.2.3", /loopback/],
    ["10.1.2.3", /private/],
    ["172.16.0.1", /private/],
    ["172.31.255.255", /private/],
    ["192.168.1.1", /private/],
    ["169.254.169.254", /metadata/],
    ["169.254.10.10", /link-local/],
    ["100.64.0.1", /carrier-grade NAT/],
    ["0.0.0.0", /unspecified/],
    ["224.0.0.1", /multicast/],
    ["255.255.255.255", /broadcast/],
    ["::1", /loopback/],
    ["::", /unspecified/],
    ["fd00::1", /unique local/],
    ["fc00::1", /unique local/],
    ["fe80::1", /link-local/],
    ["ff02::1", /multicast/],
    ["::ffff:127.0.0.1", /loopback/],
    ["::ffff:10.0.0.1", /private/],
    ["64:ff9b::a00:1", /NAT64/],
    // IPv4 inside IPv6, in every form that reaches the IPv4 address.
    ["::7f00:1", /IPv4-compatible/], // [::127.0.0.1]
    ["::a00:1", /IPv4-compatible/], // [::10.0.0.1]
    ["::a9fe:a9fe", /IPv4-compatible/], // [::169.254.169.254]
    ["::808:808", /IPv4-compatible/], // even a public IPv4: the form is deprecated and relayed
    ["::ffff:a9fe:a9fe", /metadata/],
    ["::ffff:0:a00:1", /IPv4-translated/],
    ["64:ff9b:1::a00:1", /NAT64|special-purpose/],
    ["2002:7f00:1::1", /6to4/],
    ["2002:a00:1::", /6to4/],
    ["2001:0:4136:e378:8000:63bf:3fff:fdd2", /Teredo/],
    // Outside 2000::/3 or special inside it.
    ["4000::1", /outside 2000::\/3/],
    ["100::1", /special-purpose/],
    ["2001:db8::1", /reserved/],
    ["fec0::1", /special-purpose/],
  ])("refuses %s", (address, reason) => {
    expect(blockedAddressReason(address)).toMatch(reason);
  });

  it.each(["93.184.216.34", "8.8.8.8", "2606:2800:220:1:248:1893:25c8:1946", "172.32.0.1"])(
    "allows public %s",
    (address) => {
      expect(blockedAddressReason(address)).toBeNull();
    },
  );

  it("refuses a name when any of its addresses is private", async () => {
    await expect(resolveTarget("mixed.test", { allowPrivate: false, resolver: fakeDns })).rejects.toThrow(
      /mixed\.test resolves to 10\.0\.0\.7, a private network address/,
    );
    await expect(resolveTarget("public.test", { allowPrivate: false, resolver: fakeDns })).resolves.toEqual({
      address: "93.184.216.34",
      family: 4,
    });
  });

  // Only loopback targets here: were the guard to fail, the request would go to this machine.
  it.each([
    "http://127.0.0.1:9/hook",
    "http://[::1]:9/hook",
    "http://[::ffff:7f00:1]:9/hook",
    "http://rebind.test:9/hook",
  ])("refuses to send to %s by default, as a permanent BLOCKED failure", async (url) => {
    const result = await post(url);
    expect(result.status).toBeNull();
    expect(result.error).toMatchObject({
      errorClass: "BLOCKED",
      message: expect.stringMatching(/^Refused: /) as unknown,
    });
    expect(result.error!.message).toContain("WEBHOOK_ALLOW_PRIVATE_NETWORKS");
  });

  // Other addresses are judged offline: the URL's host as sendRequest passes it to the guard.
  it.each([
    "http://10.0.0.1/hook",
    "http://172.16.5.4/hook",
    "http://192.168.0.10/hook",
    "http://169.254.169.254/latest/meta-data/",
    "http://[fd00::1]/hook",
    "http://[::127.0.0.1]:9/hook",
    "http://[::a00:1]/hook",
    "http://[::10.0.0.1]/hook",
    "http://[::169.254.169.254]/hook",
    "http://[2002:a9fe:a9fe::1]/hook",
    "http://[64:ff9b:1::a00:1]/hook",
  ])("refuses the host of %s", async (url) => {
    await expect(
      resolveTarget(new URL(url).hostname, { allowPrivate: false, resolver: fakeDns }),
    ).rejects.toThrow(/^Refused: /);
  });

  it("refuses localhost (a real lookup resolving to 127.0.0.1)", async () => {
    const result = await post("http://localhost:9/hook", { ...strict, resolver: undefined });
    expect(result.error?.errorClass).toBe("BLOCKED");
  });

  it("sends to private addresses when WEBHOOK_ALLOW_PRIVATE_NETWORKS is on", async () => {
    const receiver = await startReceiver({
      secrets: ["whsec_" + Buffer.from("k".repeat(24)).toString("base64")],
    });
    // Unsigned, so the receiver answers 401 — but the request got through.
    const result = await post(`${receiver.url}/hook`, { ...strict, allowPrivateNetworks: true });
    expect(result.status).toBe(401);
    await receiver.close();
  });

  it("refuses plain http unless insecure URLs are allowed", async () => {
    const result = await post("http://public.test/hook", { ...strict, allowInsecureUrls: false });
    expect(result.error).toMatchObject({
      errorClass: "BLOCKED",
      message: expect.stringContaining("http://") as unknown,
    });
  });

  it("classifies DNS failures and refused connections", async () => {
    expect((await post("http://nowhere.test/hook")).error?.errorClass).toBe("DNS");
    const refused = await post("http://127.0.0.1:9/hook", { ...strict, allowPrivateNetworks: true });
    expect(refused.error?.errorClass).toBe("CONNECT");
  });
});

describe("resolving receivers' names", () => {
  it("a flood of unresolvable names does not starve the process's thread pool", async () => {
    const sends = Array.from({ length: 40 }, () =>
      post("https://no-such-receiver.invalid/hook", { ...strict, resolver: undefined }),
    );
    // Meanwhile other work that needs libuv's threads (here another lookup) still goes at once.
    const started = Date.now();
    await lookup("localhost");
    expect(Date.now() - started).toBeLessThan(1_000);
    const results = await Promise.all(sends);
    expect(results.every((r) => r.error?.errorClass === "DNS")).toBe(true);
  });
});

import { lookup as dnsLookup, Resolver as DnsResolver } from "node:dns/promises";
import { readFileSync } from "node:fs";
import { isIP } from "node:net";

import ipaddr from "ipaddr.js";

import { RecognisedError } from "@/lib/errors";

/** Resolves a host name to every address it has (the shape of `dns.promises.lookup` with `all`). */
export type Resolver = (hostname: string) => Promise<{ address: string; family: number }[]>;

const dns = new DnsResolver({ timeout: 2_000, tries: 2 });
const LOOKUPS_AT_ONCE = 2;
let lookupsRunning = 0;
const lookupQueue: (() => void)[] = [];

// getaddrinfo (dns.lookup) runs on libuv's thread pool — four threads, shared with fs, crypto
// (password hashing) and every other lookup in the process. A burst of slow lookups (receivers whose
// names do not resolve) would take it over and stall the whole web server. So webhook hosts are
// resolved with c-ares, asynchronously on the event loop; only local names (localhost, /etc/hosts
// entries, which DNS does not know) go to getaddrinfo, LOOKUPS_AT_ONCE at a time.
async function limitedLookup(hostname: string) {
  if (lookupsRunning >= LOOKUPS_AT_ONCE) await new Promise<void>((resolve) => lookupQueue.push(resolve));
  lookupsRunning++;
  try {
    return await dnsLookup(hostname, { all: true, verbatim: true });
  } finally {
    lookupsRunning--;
    lookupQueue.shift()?.();
  }
}

let hostsFile: { names: Set<string>; readAt: number } | undefined;

/** Names in /etc/hosts (re-read at most every 30 s), plus localhost and *.localhost. */
function isLocalName(hostname: string): boolean {
  const name = hostname.toLowerCase();
  if (name === "localhost" || name.endsWith(".localhost")) return true;
  if (!hostsFile || Date.now() - hostsFile.readAt > 30_000) {
    let text = "";
    try {
      text = readFileSync("/etc/hosts", "utf8");
    } catch {
      // No hosts file: DNS only.
    }
    const names = text
      .split("\n")
      .flatMap((line) => line.replace(/#.*/, "").trim().split(/\s+/).slice(1))
      .map((n) => n.toLowerCase());
    hostsFile = { names: new Set(names), readAt: Date.now() };
  }
  return hostsFile.names.has(name);
}

export const systemResolver: Resolver = async (hostname) => {
  if (isLocalName(hostname)) return limitedLookup(hostname);
  const [v4, v6] = await Promise.allSettled([dns.resolve4(hostname), dns.resolve6(hostname)]);
  const addresses = [
    ...(v4.status === "fulfilled" ? v4.value.map((address) => ({ address, family: 4 })) : []),
    ...(v6.status === "fulfilled" ? v6.value.map((address) => ({ address, family: 6 })) : []),
  ];
  if (addresses.length > 0) return addresses;
  throw v4.status === "rejected" ? v4.reason : new Error("no addresses");
};

const RANGE_LABEL: Record<string, string> = {
  unspecified: "an unspecified address",
  broadcast: "the broadcast address",
  multicast: "a multicast address",
  linkLocal: "a link-local address",
  loopback: "a loopback address",
  carrierGradeNat: "a carrier-grade NAT address (100.64.0.0/10)",
  private: "a private network address",
  uniqueLocal: "a private (unique local) IPv6 address",
  reserved: "a reserved address",
  "6to4": "a 6to4 address (2002::/16, which carries an IPv4 address)",
  teredo: "a Teredo address (2001::/32, which carries an IPv4 address)",
  rfc6052: "a NAT64 address (64:ff9b::/96, which carries an IPv4 address)",
  rfc6145: "an IPv4-translated address (::ffff:0:0:0/96)",
};

const METADATA_ADDRESSES = new Set(["169.254.169.254", "fd00:ec2::254", "100.100.100.200"]);

// IANA's global unicast space: every public IPv6 address is in 2000::/3. Outside it lie loopback,
// link-local, unique-local, multicast, and the forms that carry an IPv4 address inside an IPv6 one and
// reach it: IPv4-compatible ::/96 (::127.0.0.1 is ::7f00:1), IPv4-mapped ::ffff:0:0/96, NAT64
// 64:ff9b::/96 and its local-use 64:ff9b:1::/48.
const GLOBAL_UNICAST_V6 = ipaddr.parseCIDR("2000::/3");
const IPV4_COMPATIBLE = ipaddr.parseCIDR("::/96");

/**
 * Why an address must not receive webhooks, or null when it is a public unicast address. Anything that
 * is not plain public unicast is refused (loopback, RFC 1918, link-local and cloud metadata, CGNAT,
 * multicast, IPv6 outside 2000::/3, and every form of IPv4 inside IPv6: ::/96, ::ffff:0:0/96, NAT64,
 * 6to4 2002::/16 and Teredo 2001::/32 — their IPv4 address would be reached through a relay).
 */
export function blockedAddressReason(address: string): string | null {
  if (!ipaddr.isValid(address)) return "not an IP address";
  let ip = ipaddr.parse(address);
  if (ip.kind() === "ipv6") {
    const v6 = ip as ipaddr.IPv6;
    // ::ffff:10.0.0.1 reaches 10.0.0.1: judge the IPv4 address inside (and name it in the reason).
    if (v6.isIPv4MappedAddress()) ip = v6.toIPv4Address();
    else if (v6.match(IPV4_COMPATIBLE) && !["::", "::1"].includes(v6.toString()))
      return "an IPv4-compatible IPv6 address (::/96, which carries an IPv4 address)";
    else if (!v6.match(GLOBAL_UNICAST_V6) && v6.range() === "unicast")
      return "not a global unicast IPv6 address (outside 2000::/3)";
  }
  const text = ip.toString();
  if (METADATA_ADDRESSES.has(text)) return "a cloud metadata address";
  const range = ip.range();
  if (range === "unicast") return null;
  return RANGE_LABEL[range] ?? `a special-purpose address (${range})`;
}

export class BlockedTargetError extends RecognisedError {
  static override readonly brand = "BlockedTargetError";
  readonly errorClass = "BLOCKED" as const;
}

export class DnsError extends RecognisedError {
  static override readonly brand = "DnsError";
  readonly errorClass = "DNS" as const;
}

const ALLOW_HINT = "set WEBHOOK_ALLOW_PRIVATE_NETWORKS=true to allow private networks";

/**
 * The address to connect to for a URL's host, resolved now (never cached, so a DNS change is seen at
 * once). With `allowPrivate` off, the host is refused when ANY of its addresses is not public, so a
 * name that answers both a public and a private address cannot sneak through; the caller then
 * connects to the returned address itself (no second lookup), so DNS rebinding cannot slip through.
 */
export async function resolveTarget(
  hostname: string,
  { allowPrivate, resolver = systemResolver }: { allowPrivate: boolean; resolver?: Resolver },
): Promise<{ address: string; family: 4 | 6 }> {
  const host = hostname.startsWith("[") && hostname.endsWith("]") ? hostname.slice(1, -1) : hostname;
  let addresses: { address: string; family: number }[];
  if (isIP(host)) {
    addresses = [{ address: host, family: isIP(host) }];
  } else {
    try {
      addresses = await resolver(host);
    } catch (err) {
      const code = (err as { code?: string }).code ?? "lookup failed";
      throw new DnsError(`Could not resolve ${host} (${code})`);
    }
    if (addresses.length === 0) throw new DnsError(`Could not resolve ${host} (no addresses)`);
  }
  if (!allowPrivate) {
    for (const { address } of addresses) {
      const reason = blockedAddressReason(address);
      if (reason) {
        const shown = address === host ? host : `${host} resolves to ${address}`;
        throw new BlockedTargetError(`Refused: ${shown}, ${reason} (${ALLOW_HINT})`);
      }
    }
  }
  const first = addresses[0]!;
  return { address: first.address, family: first.family === 6 ? 6 : 4 };
}

import ipaddr from "ipaddr.js";

import { RateLimiter, type RateDecision } from "@/lib/api/rate-limit";

/** A token bucket: `burst` attempts at once, refilling at `perMinute`. */
export interface BucketLimit {
  burst: number;
  perMinute: number;
}

export interface AttemptThrottleOptions {
  /** Attempts per email address (Default: 10 at once, 10 a minute). */
  perEmail?: BucketLimit;
  /** Attempts per client address — per /64 network for IPv6 (Default: 30 at once, 30 a minute). */
  perAddress?: BucketLimit;
  /** Clock in ms, replaceable in tests (Default: Date.now). */
  now?: () => number;
}

/**
 * Limits attempts per email and per client address. Sign-ins cost an argon2 hash (tens of ms of CPU)
 * and are password guesses; sign-ups and reset requests send an email. Unthrottled, each is a door for
 * guessing, denial of service or mail bombing. Buckets refill steadily, so a person who mistypes is
 * slowed down only after many tries.
 */
export class AttemptThrottle {
  private readonly byEmail: RateLimiter;
  private readonly byAddress: RateLimiter;

  constructor({
    perEmail = { burst: 10, perMinute: 10 },
    perAddress = { burst: 30, perMinute: 30 },
    now,
  }: AttemptThrottleOptions = {}) {
    this.byEmail = new RateLimiter({ ratePerSecond: perEmail.perMinute / 60, burst: perEmail.burst, now });
    this.byAddress = new RateLimiter({
      ratePerSecond: perAddress.perMinute / 60,
      burst: perAddress.burst,
      now,
    });
  }

  /** Counts one attempt; refused when the address or the email is over its limit. */
  take(email: string, address: string): RateDecision {
    const byAddress = this.byAddress.take(addressKey(address));
    if (!byAddress.allowed) return byAddress;
    return this.byEmail.take(email.trim().toLowerCase());
  }
}

// The process's throttles, shared by the sign-in route and the server actions (Next may bundle them
// apart, hence globalThis). Per process for now: several instances each enforce the limits on their share.
const store = globalThis as { signInThrottle?: AttemptThrottle; mailThrottle?: AttemptThrottle };

/** Password checks: sign-in, the password of a sign-up's link, a password change. */
export const signInThrottle = () => (store.signInThrottle ??= new AttemptThrottle());

/**
 * Requests that send an email (sign-up, "Forgot password?"): 3 at once per address, then one every
 * 5 minutes; 10 at once per client address, then 20 an hour.
 */
export const mailThrottle = () =>
  (store.mailThrottle ??= new AttemptThrottle({
    perEmail: { burst: 3, perMinute: 1 / 5 },
    perAddress: { burst: 10, perMinute: 1 / 3 },
  }));

export const tooManyAttempts = (retryAfterSeconds: number) =>
  `Too many sign-in attempts for this email or from your network. Try again in ${retryAfterSeconds} seconds.`;

export const tooManyRequests = (retryAfterSeconds: number) =>
  `Too many requests for this email or from your network. Try again in ${waitText(retryAfterSeconds)}.`;

const waitText = (seconds: number) =>
  seconds < 120 ? `${seconds} seconds` : `${Math.ceil(seconds / 60)} minutes`;

/**
 * The caller's address: the last X-Forwarded-For entry. The app's server (scripts/lib/app-server.mjs)
 * makes that trustworthy: without TRUST_PROXY it replaces whatever the client sent with the socket's
 * peer address; with it, the proxy in front has appended the address it saw last.
 */
export function clientAddress(headers: Headers): string {
  const last = headers
    .get("x-forwarded-for")
    ?.split(",")
    .map((e) => e.trim())
    .filter(Boolean)
    .at(-1);
  if (!last || !ipaddr.isValid(last)) return "unknown";
  // ::ffff:203.0.113.9 is 203.0.113.9.
  return ipaddr.process(last).toString();
}

// One bucket per IPv4 address, and per IPv6 /64: one subscriber gets a whole /64 to rotate through.
function addressKey(address: string): string {
  if (!ipaddr.isValid(address)) return address;
  const ip = ipaddr.process(address);
  if (ip.kind() === "ipv4") return ip.toString();
  const parts = (ip as ipaddr.IPv6).parts.slice(0, 4);
  return `${parts.map((p) => p.toString(16)).join(":")}::/64`;
}

import ipaddr from "ipaddr.js";

import { sharedLimiter, type RateDecision, type SharedLimiter } from "@/lib/api/rate-limit";

/** `attempts` per `minutes` (a window). */
export interface AttemptLimit {
  attempts: number;
  minutes: number;
}

export interface AttemptThrottleOptions {
  /** Keeps throttles apart in the shared store. */
  name: string;
  /** Attempts per email address. */
  perEmail: AttemptLimit;
  /** Attempts per client address — per /64 network for IPv6. */
  perAddress: AttemptLimit;
}

/**
 * Limits attempts per email and per client address, across every web server (lib/api/rate-limit.ts).
 * Sign-ins cost an argon2 hash (tens of ms of CPU) and are password guesses; sign-ups and reset requests
 * send an email. Unthrottled, each is a door for guessing, denial of service or mail bombing; the limits
 * are generous enough that a person who mistypes is slowed down only after many tries.
 */
export class AttemptThrottle {
  private readonly byEmail: SharedLimiter;
  private readonly byAddress: SharedLimiter;

  constructor({ name, perEmail, perAddress }: AttemptThrottleOptions) {
    const limit = (scope: string, { attempts, minutes }: AttemptLimit) =>
      sharedLimiter({
        name: `${name}_${scope}`,
        points: attempts,
        durationSeconds: Math.max(1, Math.round(minutes * 60)),
      });
    this.byEmail = limit("email", perEmail);
    this.byAddress = limit("address", perAddress);
  }

  /** Counts one attempt; refused when the address or the email is over its limit. */
  async take(email: string, address: string): Promise<RateDecision> {
    const byAddress = await this.byAddress.take(addressKey(address));
    if (!byAddress.allowed) return byAddress;
    return this.byEmail.take(email.trim().toLowerCase());
  }
}

// The process's throttles, shared by the sign-in route and the server actions (Next may bundle them
// apart, hence globalThis); their counts are in the shared store.
const store = globalThis as { signInThrottle?: AttemptThrottle; mailThrottle?: AttemptThrottle };

/** Password checks (sign-in, the password of a sign-up's link, a password change): 10 a minute per
 *  email, 30 a minute per client address. */
export const signInThrottle = () =>
  (store.signInThrottle ??= new AttemptThrottle({
    name: "sign_in",
    perEmail: { attempts: 10, minutes: 1 },
    perAddress: { attempts: 30, minutes: 1 },
  }));

/** Requests that send an email (sign-up, "Forgot password?"): 3 per 15 minutes per address, 10 per 30
 *  minutes per client address. */
export const mailThrottle = () =>
  (store.mailThrottle ??= new AttemptThrottle({
    name: "mail",
    perEmail: { attempts: 3, minutes: 15 },
    perAddress: { attempts: 10, minutes: 30 },
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

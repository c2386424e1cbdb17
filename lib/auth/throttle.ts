import { RateLimiter, type RateDecision } from "@/lib/api/rate-limit";

export interface SignInThrottleOptions {
  /** Attempts per email address per minute (Default: 10). */
  perEmailPerMinute?: number;
  /** Attempts per client address per minute (Default: 30). */
  perIpPerMinute?: number;
  /** Clock in ms, replaceable in tests (Default: Date.now). */
  now?: () => number;
}

/**
 * Limits sign-in and sign-up attempts per email and per client address: each attempt costs an argon2
 * hash (tens of ms of CPU), so unthrottled they are both a password-guessing and a denial-of-service
 * door. Buckets refill steadily, so a person who mistypes is slowed down only after many tries.
 */
export class SignInThrottle {
  private readonly byEmail: RateLimiter;
  private readonly byIp: RateLimiter;

  constructor({ perEmailPerMinute = 10, perIpPerMinute = 30, now }: SignInThrottleOptions = {}) {
    this.byEmail = new RateLimiter({ ratePerSecond: perEmailPerMinute / 60, burst: perEmailPerMinute, now });
    this.byIp = new RateLimiter({ ratePerSecond: perIpPerMinute / 60, burst: perIpPerMinute, now });
  }

  /** Counts one attempt; refused when the address or the email is over its limit. */
  take(email: string, ip: string): RateDecision {
    const byIp = this.byIp.take(ip);
    if (!byIp.allowed) return byIp;
    return this.byEmail.take(email.trim().toLowerCase());
  }
}

const store = globalThis as { signInThrottle?: SignInThrottle };

/** The process's throttle, shared by the sign-in route and the server actions (Next may bundle them apart). */
export const signInThrottle = () => (store.signInThrottle ??= new SignInThrottle());

export const tooManyAttempts = (retryAfterSeconds: number) =>
  `Too many sign-in attempts for this email or from your network. Try again in ${retryAfterSeconds} seconds.`;

/**
 * The caller's address: the last X-Forwarded-For entry, which Next.js fills from the socket when the
 * request has none and a proxy appends to. Without a proxy that overwrites or appends, a client can
 * send its own header and pick its address; the per-email limit still holds then.
 */
export function clientAddress(headers: Headers): string {
  const entries = headers
    .get("x-forwarded-for")
    ?.split(",")
    .map((e) => e.trim())
    .filter(Boolean);
  return entries?.at(-1) ?? "unknown";
}

// An integration's maximum delivery rate (integrations.max_rate_per_second), kept by all workers together:
// a token bucket in the database (delivery_pace, one row per paced integration). The bucket holds
// PACE_BURST_SECONDS of requests (at least one) and refills at the rate; its row keeps the time at which it
// will next be empty (next_at), so what is in it now is (burst − (next_at − now) × rate). A claim locks the
// row (SKIP LOCKED: another worker claiming for it meanwhile takes none of it this time), takes no more
// than is in the bucket, and moves next_at on by what it took ÷ rate. Over a minute an endpoint then gets at
// most rate × 60 + one burst requests, whichever workers send them. The SQL lives in claim.ts; the
// numbers and their formulas here.

/** The highest rate the wizard accepts (requests per second). */
export const MAX_RATE_PER_SECOND = 10_000;

/** How much the bucket holds, in seconds of the rate: a claim may take that much at once. */
export const PACE_BURST_SECONDS = 0.5;

/** SQL: how many requests the bucket holds when full, for a rate (an SQL expression). */
export const paceBurst = (rate: string) => `greatest(1, floor(${rate} * ${PACE_BURST_SECONDS}))`;

/** SQL: how many requests are in the bucket now, for a delivery_pace row `p` and a rate. */
export const paceAllowance = (p: string, rate: string) =>
  `floor(${paceBurst(rate)} - greatest(0, extract(epoch FROM ${p}.next_at - now())) * ${rate})::int`;

/**
 * SQL: when a worker should look again (the bucket has refilled half, at least one request): claims come
 * a few times a second per paced integration, however high its rate.
 */
export const paceWakeAt = (p: string, rate: string) =>
  `${p}.next_at - (${paceBurst(rate)} - greatest(1, floor(${paceBurst(rate)} / 2))) / ${rate}::float8 * interval '1 second'`;

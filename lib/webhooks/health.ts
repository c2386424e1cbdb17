import { enginePool } from "@/db";
import { env } from "@/lib/env";

import type { Completion } from "./complete";
import { WAKE_CHANNEL } from "./sql";

// An integration endpoint's health, shared by every worker through the integration_health table (no row
// while it answers; see db/schema.ts):
// - the circuit breaker: a run of attempts that failed and will be retried (no answer, 5xx, 408) of at
//   least `failures`, spanning at least `minFailingMs`, makes the endpoint Failing. Claims then leave
//   its deliveries alone, but for one probe at a time (lib/webhooks/claim.ts) after a pause that doubles
//   with each failed probe; the first success ends it: the row goes, and its deliveries are due at once,
//   their retry windows moved on by the time spent failing (that time does not use up their budget).
//   An answer that is not worth retrying (2xx, a permanent 4xx) ends a run too; 410 stops the integration
//   as before.
// - the 429 pause: a 429 holds all the endpoint's deliveries until its Retry-After (or a second) has
//   passed, instead of each delivery meeting the 429 on its own.
// Only batches with something to say run this statement: a failure, a 429, or an outcome of an
// integration that had a row when it was claimed. A healthy stream of successes never writes here.

export interface CircuitSettings {
  /** Consecutive failed attempts that make an endpoint Failing (0: never). */
  failures: number;
  /** …spanning at least this long. */
  minFailingMs: number;
  /** The pause before the first probe; it doubles with each failed probe, up to `probeMaxMs`. */
  probeBaseMs: number;
  probeMaxMs: number;
}

export function circuitSettings(overrides: Partial<CircuitSettings> = {}): CircuitSettings {
  const e = env();
  return {
    failures: e.CIRCUIT_BREAKER_FAILURES,
    minFailingMs: e.CIRCUIT_BREAKER_MINUTES * 60_000,
    probeBaseMs: 10_000,
    probeMaxMs: 10 * 60_000,
    ...overrides,
  };
}

/** What an attempt says about its endpoint. */
export type EndpointSignal =
  | { kind: "answered" }
  | { kind: "failed" }
  /** 429: hold the endpoint's deliveries this long. */
  | { kind: "throttled"; holdMs: number };

/** The pause after a 429 without Retry-After. */
export const DEFAULT_THROTTLE_HOLD_MS = 1_000;

// Per integration in a batch, in the order the attempts started.
interface HealthChange {
  integrationId: string;
  /** The batch had an answer: the run of failures before it is over. */
  reset: boolean;
  /** Failures after the batch's last answer. */
  failures: number;
  firstFailureAt: Date | null;
  lastFailureAt: Date | null;
  lastError: string | null;
  holdUntil: Date | null;
}

/** The batch's changes to its integrations' health (none: nothing to write). */
export function healthChanges(batch: Completion[]): HealthChange[] {
  // The usual batch: every endpoint answered and none had a health row. Nothing to write, nothing to sort.
  if (batch.every((c) => !c.unhealthy && (c.signal ?? { kind: "answered" }).kind === "answered")) return [];
  const byIntegration = new Map<string, HealthChange & { worthWriting: boolean }>();
  const ordered = [...batch].sort((a, b) => a.record.startedAt.getTime() - b.record.startedAt.getTime());
  for (const c of ordered) {
    let change = byIntegration.get(c.integrationId);
    if (!change) {
      change = {
        integrationId: c.integrationId,
        reset: false,
        failures: 0,
        firstFailureAt: null,
        lastFailureAt: null,
        lastError: null,
        holdUntil: null,
        worthWriting: c.unhealthy ?? false,
      };
      byIntegration.set(c.integrationId, change);
    }
    const signal = c.signal ?? { kind: "answered" };
    if (signal.kind === "answered") {
      Object.assign(change, { reset: true, failures: 0, firstFailureAt: null, lastFailureAt: null });
    } else {
      change.worthWriting = true;
      if (signal.kind === "throttled") {
        const until = new Date(c.record.startedAt.getTime() + c.record.durationMs + signal.holdMs);
        if (!change.holdUntil || until > change.holdUntil) change.holdUntil = until;
      } else {
        change.failures++;
        change.firstFailureAt ??= c.record.startedAt;
        change.lastFailureAt = c.record.startedAt;
        change.lastError = c.record.errorMessage;
      }
    }
  }
  return [...byIntegration.values()].filter((c) => c.worthWriting).map(({ worthWriting: _, ...c }) => c);
}

// One statement. `h`: the changes. An answer deletes the row (recovered); if the endpoint was Failing,
// its queued deliveries are due now and their retry windows move on by the time it failed. Failures add
// to the run (or start a new one after an answer) and may open the circuit; a failed probe (the row was
// Failing already) doubles the pause before the next. A 429 holds the endpoint until its time.
const RECORD_HEALTH_SQL = `
WITH h AS (
  SELECT * FROM json_to_recordset($1::json) AS h(
    "integrationId" uuid, reset boolean, failures int, "firstFailureAt" timestamptz,
    "lastFailureAt" timestamptz, "lastError" text, "holdUntil" timestamptz)
),
recovered AS (
  DELETE FROM integration_health x USING h
  WHERE x.integration_id = h."integrationId" AND h.reset AND h.failures = 0 AND h."holdUntil" IS NULL
  RETURNING x.integration_id, x.failing_since
),
resumed AS (
  UPDATE delivery_queue q
  SET next_attempt_at = least(q.next_attempt_at, now()),
      window_started_at = least(now(), q.window_started_at + (now() - r.failing_since))
  FROM recovered r
  WHERE r.failing_since IS NOT NULL AND q.integration_id = r.integration_id
    AND q.next_attempt_at < 'infinity' AND (q.lease_expires_at IS NULL OR q.lease_expires_at <= now())
  RETURNING 1
),
run AS (
  SELECT h.*, x.integration_id IS NOT NULL AS known, x.failing_since, x.probes,
         CASE WHEN h.reset OR x.integration_id IS NULL THEN h.failures ELSE x.failure_streak + h.failures END
           AS streak,
         CASE WHEN h.reset OR x.streak_started_at IS NULL THEN h."firstFailureAt" ELSE x.streak_started_at END
           AS started
  FROM h LEFT JOIN integration_health x ON x.integration_id = h."integrationId"
  WHERE h.failures > 0 OR h."holdUntil" IS NOT NULL
),
decided AS (
  SELECT r.*,
         CASE
           WHEN r.failing_since IS NOT NULL THEN r.failing_since
           WHEN $2::int > 0 AND r.streak >= $2::int AND r."lastFailureAt" - r.started >= $3 * interval '1 millisecond'
             THEN now()
         END AS failing,
         -- A failure while Failing is a failed probe.
         r.failing_since IS NOT NULL AND r.failures > 0 AS probe_failed
  FROM run r
),
written AS (
INSERT INTO integration_health AS x (integration_id, failure_streak, streak_started_at, last_error,
                                     last_failure_at, failing_since, probes, held_until)
SELECT d."integrationId", d.streak, d.started, d."lastError", d."lastFailureAt", d.failing,
       CASE WHEN d.probe_failed THEN d.probes + 1 ELSE coalesce(d.probes, 0) END,
       CASE
         WHEN d.failing IS NOT NULL THEN now() + least($5::float8,
           $4::float8 * 2 ^ (CASE WHEN d.probe_failed THEN d.probes + 1 ELSE coalesce(d.probes, 0) END))
           * interval '1 millisecond'
         ELSE d."holdUntil"
       END
FROM decided d
-- Deleted meanwhile: nothing to keep.
WHERE EXISTS (SELECT 1 FROM integrations i WHERE i.id = d."integrationId")
ON CONFLICT (integration_id) DO UPDATE SET
  failure_streak = EXCLUDED.failure_streak, streak_started_at = EXCLUDED.streak_started_at,
  last_error = coalesce(EXCLUDED.last_error, x.last_error),
  last_failure_at = coalesce(EXCLUDED.last_failure_at, x.last_failure_at),
  failing_since = EXCLUDED.failing_since, probes = EXCLUDED.probes,
  -- Failing: the next probe's time (it replaces the claim's hold for the probe in flight).
  held_until = CASE WHEN EXCLUDED.failing_since IS NOT NULL THEN EXCLUDED.held_until
                    ELSE greatest(x.held_until, EXCLUDED.held_until) END
RETURNING 1
)
-- A recovered endpoint's deliveries are due now: wake the workers.
SELECT CASE WHEN EXISTS (SELECT 1 FROM recovered WHERE failing_since IS NOT NULL)
            THEN pg_notify('${WAKE_CHANNEL}', '') END AS woken`;

/** Writes what the batch says about its endpoints (nothing, for a batch of answers from healthy ones). */
export async function recordHealth(batch: Completion[], settings: CircuitSettings): Promise<void> {
  const changes = healthChanges(batch);
  if (changes.length === 0) return;
  await enginePool().query({
    name: "webhooks.health",
    text: RECORD_HEALTH_SQL,
    values: [
      JSON.stringify(changes),
      settings.failures,
      settings.minFailingMs,
      settings.probeBaseMs,
      settings.probeMaxMs,
    ],
  });
}

-- The Succeeded filter skips the hours without a Succeeded delivery (issue #11: 1.2 s at 10 M deliveries
-- for an integration whose receiver has been down for days: the log walk read every unfinished delivery
-- on top). delivery_hours holds, per integration and hour of creation, how many Succeeded; the rollup
-- fold adds the minutes' changes to it (lib/webhooks/rollups.ts), and the changes not yet folded are
-- found by integration. Test events, which no rollup counts (and which are never sent again), are
-- counted once when sent (lib/webhooks/send-test-event.ts).
CREATE TABLE "delivery_hours" (
	"account_id" uuid NOT NULL,
	"integration_id" uuid NOT NULL,
	"hour" timestamp with time zone NOT NULL,
	"succeeded" integer NOT NULL,
	CONSTRAINT "delivery_hours_integration_id_hour_pk" PRIMARY KEY("integration_id","hour")
);
--> statement-breakpoint
DROP INDEX "delivery_minutes_unfolded_idx";--> statement-breakpoint
CREATE INDEX "delivery_minutes_unfolded_idx" ON "delivery_minutes" USING btree ("integration_id","minute") WHERE NOT "delivery_minutes"."folded";
--> statement-breakpoint

-- Hours and the chart's minutes counted from the deliveries themselves while their writers wait (so
-- nothing is counted twice or missed): the hours of all of them, the minutes of the chart's two days,
-- all folded (a change not folded would be added to the hours again).
LOCK TABLE "deliveries" IN SHARE MODE;--> statement-breakpoint
LOCK TABLE "delivery_minutes" IN EXCLUSIVE MODE;--> statement-breakpoint
DELETE FROM delivery_minutes;--> statement-breakpoint
INSERT INTO delivery_minutes (account_id, integration_id, minute, latency_bucket, pending, retrying, succeeded, failed, skipped, folded)
SELECT account_id, integration_id, date_trunc('minute', created_at),
       CASE WHEN status::text IN ('SUCCEEDED', 'FAILED', 'RETRYING') THEN latency_bucket(last_latency_ms) END,
       count(*) FILTER (WHERE status::text IN ('PENDING', 'DELIVERING')), count(*) FILTER (WHERE status::text = 'RETRYING'),
       count(*) FILTER (WHERE status::text = 'SUCCEEDED'), count(*) FILTER (WHERE status::text = 'FAILED'),
       count(*) FILTER (WHERE status::text = 'SKIPPED'), true
FROM "deliveries" WHERE NOT is_test AND created_at >= now() - interval '2 days'
GROUP BY 1, 2, 3, 4;--> statement-breakpoint
INSERT INTO delivery_hours (account_id, integration_id, hour, succeeded)
SELECT account_id, integration_id, date_trunc('hour', created_at), count(*)
FROM "deliveries" WHERE status = 'SUCCEEDED'
GROUP BY 1, 2, 3;

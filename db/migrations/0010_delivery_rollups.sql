-- The Deliveries tab's chart reads per-minute rollups (delivery_minutes), not raw deliveries (issue #11).
-- Statement triggers on deliveries append what each statement changed; lib/webhooks/rollups.ts folds the
-- appended rows into one per (integration, minute, latency bucket) and drops minutes past the chart's
-- longest window. Appends never conflict, so no writer of deliveries ever waits on a rollup row.

CREATE TABLE "delivery_minutes" (
	"account_id" uuid NOT NULL,
	"integration_id" uuid NOT NULL,
	"minute" timestamp with time zone NOT NULL,
	"latency_bucket" smallint,
	"pending" integer DEFAULT 0 NOT NULL,
	"retrying" integer DEFAULT 0 NOT NULL,
	"succeeded" integer DEFAULT 0 NOT NULL,
	"failed" integer DEFAULT 0 NOT NULL,
	"skipped" integer DEFAULT 0 NOT NULL,
	"folded" boolean DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE INDEX "delivery_minutes_chart_idx" ON "delivery_minutes" USING btree ("integration_id","minute");--> statement-breakpoint
CREATE INDEX "delivery_minutes_unfolded_idx" ON "delivery_minutes" USING btree ("minute") WHERE NOT "delivery_minutes"."folded";--> statement-breakpoint

-- The latency histogram's bucket of a duration: 0 below 5 ms, then one per bound up to 12 (30 s and
-- more). The bounds are LATENCY_BUCKET_BOUNDS_MS in lib/webhooks/rollups.ts.
CREATE OR REPLACE FUNCTION latency_bucket(ms integer) RETURNS smallint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT width_bucket(ms, ARRAY[5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000])::smallint
$$;--> statement-breakpoint

-- What a statement did to deliveries, as rollup changes: +1 to each row's new status (with the latency
-- bucket of its last attempt, once it has one) and, on UPDATE, -1 to its old. Test events are not charted. Statuses compare
-- as text (SKIPPED may be an enum value added in this migration run's own transaction).
CREATE OR REPLACE FUNCTION count_delivery_minutes() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO delivery_minutes (account_id, integration_id, minute, latency_bucket, pending, retrying, succeeded, failed, skipped)
    SELECT account_id, integration_id, date_trunc('minute', created_at), bucket,
           count(*) FILTER (WHERE status IN ('PENDING', 'DELIVERING')), count(*) FILTER (WHERE status = 'RETRYING'),
           count(*) FILTER (WHERE status = 'SUCCEEDED'), count(*) FILTER (WHERE status = 'FAILED'),
           count(*) FILTER (WHERE status = 'SKIPPED')
    FROM (
      SELECT account_id, integration_id, created_at, status::text AS status,
             CASE WHEN status::text IN ('SUCCEEDED', 'FAILED', 'RETRYING') THEN latency_bucket(last_latency_ms) END AS bucket
      FROM new_rows WHERE NOT is_test
    ) n
    GROUP BY 1, 2, 3, 4;
  ELSE
    INSERT INTO delivery_minutes (account_id, integration_id, minute, latency_bucket, pending, retrying, succeeded, failed, skipped)
    SELECT account_id, integration_id, minute, bucket,
           coalesce(sum(sign) FILTER (WHERE status IN ('PENDING', 'DELIVERING')), 0),
           coalesce(sum(sign) FILTER (WHERE status = 'RETRYING'), 0),
           coalesce(sum(sign) FILTER (WHERE status = 'SUCCEEDED'), 0),
           coalesce(sum(sign) FILTER (WHERE status = 'FAILED'), 0),
           coalesce(sum(sign) FILTER (WHERE status = 'SKIPPED'), 0)
    FROM (
      SELECT n.account_id, n.integration_id, date_trunc('minute', n.created_at) AS minute,
             n.status::text AS new_status, o.status::text AS old_status,
             CASE WHEN n.status::text IN ('SUCCEEDED', 'FAILED', 'RETRYING') THEN latency_bucket(n.last_latency_ms) END AS new_bucket,
             CASE WHEN o.status::text IN ('SUCCEEDED', 'FAILED', 'RETRYING') THEN latency_bucket(o.last_latency_ms) END AS old_bucket
      FROM new_rows n JOIN old_rows o ON o.id = n.id AND o.expires_on = n.expires_on
      WHERE NOT n.is_test
    ) c
    CROSS JOIN LATERAL (VALUES (new_status, new_bucket, 1), (old_status, old_bucket, -1)) AS m(status, bucket, sign)
    WHERE c.new_status IS DISTINCT FROM c.old_status OR c.new_bucket IS DISTINCT FROM c.old_bucket
    GROUP BY 1, 2, 3, 4;
  END IF;
  RETURN NULL;
END
$$ LANGUAGE plpgsql;--> statement-breakpoint
CREATE TRIGGER deliveries_minutes_insert AFTER INSERT ON "deliveries"
REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION count_delivery_minutes();--> statement-breakpoint
CREATE TRIGGER deliveries_minutes_update AFTER UPDATE ON "deliveries"
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION count_delivery_minutes();--> statement-breakpoint

-- The last day of what is already there (the chart's longest window), as folded rows.
INSERT INTO delivery_minutes (account_id, integration_id, minute, latency_bucket, pending, retrying, succeeded, failed, skipped, folded)
SELECT account_id, integration_id, date_trunc('minute', created_at),
       CASE WHEN status::text IN ('SUCCEEDED', 'FAILED', 'RETRYING') THEN latency_bucket(last_latency_ms) END,
       count(*) FILTER (WHERE status::text IN ('PENDING', 'DELIVERING')), count(*) FILTER (WHERE status::text = 'RETRYING'),
       count(*) FILTER (WHERE status::text = 'SUCCEEDED'), count(*) FILTER (WHERE status::text = 'FAILED'),
       count(*) FILTER (WHERE status::text = 'SKIPPED'), true
FROM "deliveries" WHERE NOT is_test AND created_at >= now() - interval '1 day'
GROUP BY 1, 2, 3, 4;

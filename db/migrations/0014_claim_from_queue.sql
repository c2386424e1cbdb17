-- A claim reads the queue alone (issue #11: at 10 M deliveries, reading each claimed delivery's row — pages
-- of a backlog's older days, seldom in memory — was 35 of a claim's 47 ms). The queue row carries what the
-- worker is handed: the event, its payload and the retry window. Copied for the rows queued now, with their
-- writers waiting; a queue row whose delivery is gone (none should be) could never be completed: it goes.
LOCK TABLE "delivery_queue" IN EXCLUSIVE MODE;--> statement-breakpoint
DELETE FROM "delivery_queue" q
WHERE NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.id = q.delivery_id AND d.expires_on = q.expires_on);--> statement-breakpoint
ALTER TABLE "delivery_queue" ADD COLUMN "event" "event_type";--> statement-breakpoint
ALTER TABLE "delivery_queue" ADD COLUMN "payload" jsonb;--> statement-breakpoint
ALTER TABLE "delivery_queue" ADD COLUMN "window_started_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "delivery_queue" ADD COLUMN "attempts_before_window" integer;--> statement-breakpoint
UPDATE "delivery_queue" q
SET event = d.event, payload = d.payload, window_started_at = d.window_started_at,
    attempts_before_window = d.attempts_before_window
FROM deliveries d
WHERE d.id = q.delivery_id AND d.expires_on = q.expires_on;--> statement-breakpoint
ALTER TABLE "delivery_queue" ALTER COLUMN "event" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "delivery_queue" ALTER COLUMN "payload" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "delivery_queue" ALTER COLUMN "window_started_at" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "delivery_queue" ALTER COLUMN "attempts_before_window" SET NOT NULL;

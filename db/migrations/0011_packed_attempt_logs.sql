-- Attempt logs packed (issue #11: bytes per delivery). An attempt's request and response are stored
-- deflated against a dictionary that holds the delivery's own payload (lib/webhooks/attempt-log.ts), and
-- a retry's request, the same as an earlier attempt's but for its timestamp, is not stored again
-- (request_repeats). Rows written before keep their plain json/text columns.

ALTER TABLE "delivery_attempts" ALTER COLUMN "request" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "delivery_attempts" ADD COLUMN "request_packed" "bytea";--> statement-breakpoint
ALTER TABLE "delivery_attempts" ADD COLUMN "request_repeats" smallint;--> statement-breakpoint
ALTER TABLE "delivery_attempts" ADD COLUMN "response_packed" "bytea";
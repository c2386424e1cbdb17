ALTER TABLE "deliveries" ALTER COLUMN "chat_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "deliveries" ADD COLUMN "window_started_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "deliveries" ADD COLUMN "attempts_before_window" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX "deliveries_chat_unfinished_idx" ON "deliveries" USING btree ("chat_id","integration_id","seq") WHERE "deliveries"."status" IN ('PENDING', 'RETRYING', 'DELIVERING');--> statement-breakpoint
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_chat_unless_test" CHECK ("deliveries"."is_test" OR "deliveries"."chat_id" IS NOT NULL);
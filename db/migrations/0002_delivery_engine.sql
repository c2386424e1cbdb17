CREATE TABLE "delivery_queue" (
	"delivery_id" uuid PRIMARY KEY NOT NULL,
	"account_id" uuid NOT NULL,
	"integration_id" uuid NOT NULL,
	"chat_id" uuid NOT NULL,
	"seq" bigint NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"lease_expires_at" timestamp with time zone,
	"leased_by" text,
	"attempts" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
DROP INDEX "deliveries_due_idx";--> statement-breakpoint
ALTER TABLE "deliveries" ALTER COLUMN "chat_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "delivery_attempts" ALTER COLUMN "request" SET DATA TYPE json;--> statement-breakpoint
ALTER TABLE "delivery_attempts" ALTER COLUMN "response_headers" SET DATA TYPE json;--> statement-breakpoint
ALTER TABLE "deliveries" ADD COLUMN "window_started_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "deliveries" ADD COLUMN "attempts_before_window" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "delivery_queue" ADD CONSTRAINT "delivery_queue_delivery_id_deliveries_id_fk" FOREIGN KEY ("delivery_id") REFERENCES "public"."deliveries"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "delivery_queue_due_idx" ON "delivery_queue" USING btree ("next_attempt_at");--> statement-breakpoint
CREATE INDEX "delivery_queue_chat_idx" ON "delivery_queue" USING btree ("chat_id","integration_id","seq");--> statement-breakpoint
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_chat_unless_test" CHECK ("deliveries"."is_test" OR "deliveries"."chat_id" IS NOT NULL);--> statement-breakpoint
ALTER TABLE "deliveries" DROP COLUMN "lease_expires_at";--> statement-breakpoint
ALTER TABLE "deliveries" DROP COLUMN "leased_by";
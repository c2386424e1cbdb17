-- Reads built for volume (issue #11): every listing of the portal and the API has an index matching its
-- filter and its order, and pages by keyset. The log pages on (created_at, seq); its status filters read
-- the queue (unfinished: Pending, Retrying, Delivering) or unsuccessful_deliveries (Failed, Skipped), so
-- none walks an integration's history; the inbox reads a chat's last message from the chat itself.

CREATE TABLE "unsuccessful_deliveries" (
	"delivery_id" uuid PRIMARY KEY NOT NULL,
	"expires_on" date NOT NULL,
	"account_id" uuid NOT NULL,
	"integration_id" uuid NOT NULL,
	"chat_id" uuid,
	"status" "delivery_status" NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"seq" bigint NOT NULL
);
--> statement-breakpoint
DROP INDEX "chats_integration_idx";--> statement-breakpoint
DROP INDEX "deliveries_integration_recent_idx";--> statement-breakpoint
DROP INDEX "chats_account_recent_idx";--> statement-breakpoint
ALTER TABLE "chats" ADD COLUMN "last_message_preview" text;--> statement-breakpoint
ALTER TABLE "delivery_queue" ADD COLUMN "status" "delivery_status" DEFAULT 'PENDING' NOT NULL;--> statement-breakpoint
CREATE INDEX "unsuccessful_deliveries_log_idx" ON "unsuccessful_deliveries" USING btree ("integration_id","status","created_at","seq");--> statement-breakpoint
CREATE INDEX "unsuccessful_deliveries_expires_idx" ON "unsuccessful_deliveries" USING btree ("expires_on");--> statement-breakpoint
CREATE INDEX "chats_integration_opened_idx" ON "chats" USING btree ("integration_id","opened_at","id");--> statement-breakpoint
CREATE INDEX "chats_connection_opened_idx" ON "chats" USING btree ("connection_id","opened_at","id");--> statement-breakpoint
CREATE INDEX "chats_account_contact_idx" ON "chats" USING btree ("account_id","contact");--> statement-breakpoint
CREATE INDEX "deliveries_integration_log_idx" ON "deliveries" USING btree ("integration_id","created_at","seq");--> statement-breakpoint
CREATE INDEX "delivery_queue_log_idx" ON "delivery_queue" USING btree ("integration_id","status","seq");--> statement-breakpoint
CREATE INDEX "chats_account_recent_idx" ON "chats" USING btree ("account_id","last_message_at","id");--> statement-breakpoint

-- What is already there: the queue's retrying rows, the failed and skipped deliveries, the chats' last
-- messages.
UPDATE "delivery_queue" q SET "status" = 'RETRYING'
FROM "deliveries" d WHERE d.id = q.delivery_id AND d.expires_on = q.expires_on AND d.status = 'RETRYING';--> statement-breakpoint
INSERT INTO "unsuccessful_deliveries" (delivery_id, expires_on, account_id, integration_id, chat_id, status, created_at, seq)
SELECT id, expires_on, account_id, integration_id, chat_id, status, created_at, seq FROM "deliveries"
WHERE status::text IN ('FAILED', 'SKIPPED');--> statement-breakpoint
-- A chat's preview of a message: its text, else its caption, else its media URL; the first 200 characters.
CREATE OR REPLACE FUNCTION message_preview(text text, caption text, url text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT left(coalesce(text, caption, url), 200) $$;--> statement-breakpoint
UPDATE "chats" c SET "last_message_preview" = m.preview
FROM (
  SELECT DISTINCT ON (chat_id) chat_id, message_preview(text, multimedia_caption, multimedia_url) AS preview
  FROM "messages" ORDER BY chat_id, created_at DESC
) m
WHERE m.chat_id = c.id;--> statement-breakpoint

-- Keeps unsuccessful_deliveries in step with deliveries.status: a delivery that ends Failed or Skipped is
-- added; one that leaves those (a Resend, Replay failed) or is deleted (retention's batches) is removed.
-- Dropping a day's partitions fires nothing: retention removes that day's rows here. The WHEN clauses are
-- checked before any function runs, so the common update (Pending to Succeeded) costs nothing more.
-- (Statuses compare as text: SKIPPED is an enum value added in this same migration run's transaction.)
CREATE OR REPLACE FUNCTION track_unsuccessful_delivery() RETURNS trigger AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    DELETE FROM unsuccessful_deliveries WHERE delivery_id = OLD.id;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.status::text IN ('FAILED', 'SKIPPED') THEN
    INSERT INTO unsuccessful_deliveries (delivery_id, expires_on, account_id, integration_id, chat_id, status, created_at, seq)
    VALUES (NEW.id, NEW.expires_on, NEW.account_id, NEW.integration_id, NEW.chat_id, NEW.status, NEW.created_at, NEW.seq)
    ON CONFLICT (delivery_id) DO UPDATE SET status = excluded.status;
  END IF;
  RETURN NULL;
END
$$ LANGUAGE plpgsql;--> statement-breakpoint
CREATE TRIGGER deliveries_unsuccessful_insert AFTER INSERT ON "deliveries"
FOR EACH ROW WHEN (NEW.status::text IN ('FAILED', 'SKIPPED')) EXECUTE FUNCTION track_unsuccessful_delivery();--> statement-breakpoint
CREATE TRIGGER deliveries_unsuccessful_update AFTER UPDATE OF status ON "deliveries"
FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status
  AND (OLD.status::text IN ('FAILED', 'SKIPPED') OR NEW.status::text IN ('FAILED', 'SKIPPED')))
EXECUTE FUNCTION track_unsuccessful_delivery();--> statement-breakpoint
CREATE TRIGGER deliveries_unsuccessful_delete AFTER DELETE ON "deliveries"
FOR EACH ROW WHEN (OLD.status::text IN ('FAILED', 'SKIPPED')) EXECUTE FUNCTION track_unsuccessful_delivery();

ALTER TYPE "public"."attempt_error" ADD VALUE 'LEASE_EXPIRED';--> statement-breakpoint
ALTER TYPE "public"."delivery_status" ADD VALUE 'SKIPPED';--> statement-breakpoint
CREATE TABLE "delivery_releases" (
	"integration_id" uuid PRIMARY KEY NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
DROP INDEX "delivery_queue_chat_idx";--> statement-breakpoint
ALTER TABLE "delivery_queue" ADD COLUMN "leased_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "delivery_releases" ADD CONSTRAINT "delivery_releases_integration_id_integrations_id_fk" FOREIGN KEY ("integration_id") REFERENCES "public"."integrations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "delivery_queue_integration_chat_idx" ON "delivery_queue" USING btree ("integration_id","chat_id","seq");--> statement-breakpoint
-- While an integration is not Active its deliveries wait: their queue rows are due at 'infinity', past the
-- range a claim walks down the due index, so a stopped integration's backlog costs the claims nothing.
-- Every change of status, whoever makes it (Start, Stop, a 410 Gone in the completion statement), keeps
-- the queue in step in its own transaction. Whoever queues rows locks the integration FOR SHARE and
-- reads its status in the same statement (lib/webhooks/enqueue.ts), so they and a status change take
-- turns: no row is queued by the old status once the change has committed.
CREATE OR REPLACE FUNCTION integration_status_changed() RETURNS trigger AS $$
BEGIN
  IF NEW.status = 'ACTIVE' THEN
    -- Started: the waiting rows are released in chunks after this commits (lib/webhooks/waiting.ts), by
    -- the workers; a row in delivery_releases says there is such work until it is done.
    IF EXISTS (SELECT 1 FROM delivery_queue WHERE integration_id = NEW.id AND next_attempt_at = 'infinity') THEN
      INSERT INTO delivery_releases (integration_id) VALUES (NEW.id) ON CONFLICT DO NOTHING;
      PERFORM pg_notify('webhook_deliveries', 'release');
    END IF;
  ELSE
    DELETE FROM delivery_releases WHERE integration_id = NEW.id;
    UPDATE delivery_queue SET next_attempt_at = 'infinity'
    WHERE integration_id = NEW.id AND next_attempt_at <> 'infinity';
  END IF;
  RETURN NULL;
END
$$ LANGUAGE plpgsql;
--> statement-breakpoint
-- Replaced: a Start now wakes the workers through the release above.
DROP TRIGGER integrations_started_wake_workers ON integrations;
--> statement-breakpoint
CREATE TRIGGER integrations_status_changed AFTER UPDATE OF status ON integrations
  FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status)
  EXECUTE FUNCTION integration_status_changed();
--> statement-breakpoint
-- What already waited for a stopped integration waits the new way.
UPDATE delivery_queue q SET next_attempt_at = 'infinity'
FROM integrations i
WHERE i.id = q.integration_id AND i.status <> 'ACTIVE';

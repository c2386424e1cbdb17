-- An integration's maximum delivery rate (issue #12: per-endpoint throttling; lib/webhooks/pace.ts), and
-- the row that every worker's claim locks and moves on to keep it together.
CREATE TABLE "delivery_pace" (
	"integration_id" uuid PRIMARY KEY NOT NULL,
	"next_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "integrations" ADD COLUMN "max_rate_per_second" integer;--> statement-breakpoint
ALTER TABLE "delivery_pace" ADD CONSTRAINT "delivery_pace_integration_id_integrations_id_fk" FOREIGN KEY ("integration_id") REFERENCES "public"."integrations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "integrations" ADD CONSTRAINT "integrations_max_rate_positive" CHECK ("integrations"."max_rate_per_second" > 0);--> statement-breakpoint
-- Each claim that takes a paced integration's deliveries rewrites its row: room for in-place updates.
ALTER TABLE "delivery_pace" SET (fillfactor = 50);--> statement-breakpoint
-- A paced integration always has its row (claims lock it, and take nothing from a paced integration
-- without one); clearing the rate removes it. Kept here, so that no way of writing the rate forgets it.
CREATE OR REPLACE FUNCTION integration_pace_changed() RETURNS trigger AS $$
BEGIN
  IF NEW.max_rate_per_second IS NULL THEN
    DELETE FROM delivery_pace WHERE integration_id = NEW.id;
  ELSE
    INSERT INTO delivery_pace (integration_id) VALUES (NEW.id) ON CONFLICT DO NOTHING;
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;--> statement-breakpoint
CREATE TRIGGER integrations_pace_changed AFTER INSERT OR UPDATE OF max_rate_per_second ON integrations
  FOR EACH ROW EXECUTE FUNCTION integration_pace_changed();

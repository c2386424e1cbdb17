-- Room on each page for the in-place (HOT) update a delivery gets when an attempt completes; none of
-- those columns is indexed, so no index is touched. The queue row is leased on claim the same way.
ALTER TABLE deliveries SET (fillfactor = 75);
--> statement-breakpoint
-- Each message locks its chat with an update that changes no indexed column: room for it in place.
ALTER TABLE chats SET (fillfactor = 85);
--> statement-breakpoint
-- The queue churns (a row in and out per event): vacuum and analyze it often, without throttling.
ALTER TABLE delivery_queue SET (
  fillfactor = 70,
  autovacuum_vacuum_scale_factor = 0.0,
  autovacuum_vacuum_threshold = 5000,
  autovacuum_analyze_scale_factor = 0.0,
  autovacuum_analyze_threshold = 5000,
  autovacuum_vacuum_cost_delay = 0
);
--> statement-breakpoint
-- Idle delivery workers LISTEN on "webhook_deliveries" and claim at once when woken; polling is only
-- the fallback. Anything entering the queue (new events, Resend, Replay) wakes them — once per
-- statement, and PostgreSQL folds identical notifications of one transaction into one.
CREATE OR REPLACE FUNCTION notify_webhook_deliveries() RETURNS trigger AS $$
BEGIN
  PERFORM pg_notify('webhook_deliveries', '');
  RETURN NULL;
END
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER delivery_queue_wake_workers AFTER INSERT ON delivery_queue
  FOR EACH STATEMENT EXECUTE FUNCTION notify_webhook_deliveries();
--> statement-breakpoint
-- Starting an integration releases the deliveries that waited while it was stopped.
CREATE TRIGGER integrations_started_wake_workers AFTER UPDATE OF status ON integrations
  FOR EACH ROW WHEN (NEW.status = 'ACTIVE' AND OLD.status IS DISTINCT FROM 'ACTIVE')
  EXECUTE FUNCTION notify_webhook_deliveries();

--> statement-breakpoint
-- Workers cache each integration's configuration and reload it when updated_at changes: every change
-- (wizard, Start/Stop, 410 Gone) must move it, whoever makes it.
CREATE OR REPLACE FUNCTION touch_updated_at() RETURNS trigger AS $$
BEGIN
  NEW.updated_at := clock_timestamp();
  RETURN NEW;
END
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER integrations_touch BEFORE UPDATE ON integrations
  FOR EACH ROW EXECUTE FUNCTION touch_updated_at();

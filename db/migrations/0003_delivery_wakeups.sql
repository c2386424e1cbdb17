-- Idle delivery workers LISTEN on "webhook_deliveries" and claim at once when woken; polling is only
-- the fallback. Any insert of deliveries wakes them (once per statement, so a batch costs one notify;
-- PostgreSQL also folds identical notifications of one transaction into one).
CREATE OR REPLACE FUNCTION notify_webhook_deliveries() RETURNS trigger AS $$
BEGIN
  PERFORM pg_notify('webhook_deliveries', '');
  RETURN NULL;
END
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER deliveries_wake_workers AFTER INSERT ON deliveries
  FOR EACH STATEMENT EXECUTE FUNCTION notify_webhook_deliveries();
--> statement-breakpoint
-- Starting an integration releases the deliveries that waited while it was stopped.
CREATE TRIGGER integrations_started_wake_workers AFTER UPDATE OF status ON integrations
  FOR EACH ROW WHEN (NEW.status = 'ACTIVE' AND OLD.status IS DISTINCT FROM 'ACTIVE')
  EXECUTE FUNCTION notify_webhook_deliveries();

-- A connection's chats go to one place: a Custom Webhook integration or campaigns, never both
-- (the spec's "operational conflict"). Junction rows must also stay inside one account.
CREATE OR REPLACE FUNCTION enforce_connection_use() RETURNS trigger AS $$
DECLARE
  connection_account uuid;
  owner_account uuid;
BEGIN
  -- Locking the connection serialises concurrent claims of the same connection.
  SELECT account_id INTO connection_account FROM connections WHERE id = NEW.connection_id FOR UPDATE;
  IF TG_TABLE_NAME = 'integration_connections' THEN
    SELECT account_id INTO owner_account FROM integrations WHERE id = NEW.integration_id;
    IF EXISTS (SELECT 1 FROM campaign_connections WHERE connection_id = NEW.connection_id) THEN
      RAISE EXCEPTION 'connection is used by a campaign'
        USING ERRCODE = 'unique_violation', CONSTRAINT = 'connection_used_by_campaign';
    END IF;
  ELSE
    SELECT account_id INTO owner_account FROM campaigns WHERE id = NEW.campaign_id;
    IF EXISTS (SELECT 1 FROM integration_connections WHERE connection_id = NEW.connection_id) THEN
      RAISE EXCEPTION 'connection is used by a Custom Webhook integration'
        USING ERRCODE = 'unique_violation', CONSTRAINT = 'connection_used_by_integration';
    END IF;
  END IF;
  IF connection_account IS DISTINCT FROM NEW.account_id OR owner_account IS DISTINCT FROM NEW.account_id THEN
    RAISE EXCEPTION 'connection and its user must belong to the same account'
      USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'connection_same_account';
  END IF;
  RETURN NEW;
END
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER integration_connections_use BEFORE INSERT OR UPDATE ON integration_connections
  FOR EACH ROW EXECUTE FUNCTION enforce_connection_use();
--> statement-breakpoint
CREATE TRIGGER campaign_connections_use BEFORE INSERT OR UPDATE ON campaign_connections
  FOR EACH ROW EXECUTE FUNCTION enforce_connection_use();

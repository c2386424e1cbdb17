-- A campaign's tallies carry its account (issue #12): the rows are appended by the triggers on chats,
-- messages and deliveries, so distributed by account (Citus) they stay with the rows that wrote them.
ALTER TABLE "campaign_tallies" ADD COLUMN "account_id" uuid;--> statement-breakpoint
UPDATE "campaign_tallies" t SET "account_id" = c."account_id" FROM "campaigns" c WHERE c."id" = t."campaign_id";--> statement-breakpoint
-- Rows of campaigns that are gone (the next fold would drop them anyway).
DELETE FROM "campaign_tallies" WHERE "account_id" IS NULL;--> statement-breakpoint
ALTER TABLE "campaign_tallies" ALTER COLUMN "account_id" SET NOT NULL;--> statement-breakpoint
CREATE OR REPLACE FUNCTION tally_campaign_chats_inserted() RETURNS trigger AS $$
BEGIN
  INSERT INTO campaign_tallies (account_id, campaign_id, chats_open, chats_closed)
  SELECT account_id, campaign_id, count(*) FILTER (WHERE status = 'OPEN'), count(*) FILTER (WHERE status = 'CLOSED')
  FROM new_rows WHERE campaign_id IS NOT NULL GROUP BY 1, 2;
  RETURN NULL;
END
$$ LANGUAGE plpgsql;--> statement-breakpoint
CREATE OR REPLACE FUNCTION tally_campaign_chat_status() RETURNS trigger AS $$
BEGIN
  INSERT INTO campaign_tallies (account_id, campaign_id, chats_open, chats_closed)
  VALUES (NEW.account_id, NEW.campaign_id, (NEW.status = 'OPEN')::int - (OLD.status = 'OPEN')::int,
          (NEW.status = 'CLOSED')::int - (OLD.status = 'CLOSED')::int);
  RETURN NULL;
END
$$ LANGUAGE plpgsql;--> statement-breakpoint
CREATE OR REPLACE FUNCTION tally_campaign_chat_attributed() RETURNS trigger AS $$
BEGIN
  INSERT INTO campaign_tallies (account_id, campaign_id, messages_in, messages_out, chats_open, chats_closed,
                                deliveries_waiting, deliveries_succeeded, deliveries_failed, deliveries_skipped)
  SELECT NEW.account_id, NEW.campaign_id, m.n_in, m.n_out, (OLD.status = 'OPEN')::int, (OLD.status = 'CLOSED')::int,
         d.waiting, d.succeeded, d.failed, d.skipped
  FROM (SELECT count(*) FILTER (WHERE direction = 'IN') AS n_in, count(*) FILTER (WHERE direction = 'OUT') AS n_out
        FROM messages WHERE chat_id = NEW.id AND created_at < statement_timestamp()) m
  CROSS JOIN (
    SELECT count(*) FILTER (WHERE campaign_delivery_state(status::text) = 'WAITING') AS waiting,
           count(*) FILTER (WHERE status::text = 'SUCCEEDED') AS succeeded,
           count(*) FILTER (WHERE status::text = 'FAILED') AS failed,
           count(*) FILTER (WHERE status::text = 'SKIPPED') AS skipped
    FROM deliveries WHERE chat_id = NEW.id AND created_at < statement_timestamp()) d;
  RETURN NULL;
END
$$ LANGUAGE plpgsql;--> statement-breakpoint
CREATE OR REPLACE FUNCTION tally_campaign_messages() RETURNS trigger AS $$
BEGIN
  INSERT INTO campaign_tallies (account_id, campaign_id, messages_in, messages_out)
  SELECT c.account_id, c.campaign_id, count(*) FILTER (WHERE m.direction = 'IN'),
         count(*) FILTER (WHERE m.direction = 'OUT')
  FROM new_rows m JOIN chats c ON c.id = m.chat_id AND c.account_id = m.account_id
  WHERE c.campaign_id IS NOT NULL GROUP BY 1, 2;
  RETURN NULL;
END
$$ LANGUAGE plpgsql;--> statement-breakpoint
-- (Its hash join setting is migration 0022's: the engine's sessions turn hash joins off.)
CREATE OR REPLACE FUNCTION tally_campaign_deliveries() RETURNS trigger SET enable_hashjoin = on AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO campaign_tallies (account_id, campaign_id, deliveries_waiting, deliveries_succeeded, deliveries_failed,
                                  deliveries_skipped)
    SELECT c.account_id, c.campaign_id, count(*) FILTER (WHERE d.state = 'WAITING'),
           count(*) FILTER (WHERE d.state = 'SUCCEEDED'), count(*) FILTER (WHERE d.state = 'FAILED'),
           count(*) FILTER (WHERE d.state = 'SKIPPED')
    FROM (SELECT chat_id, account_id, campaign_delivery_state(status::text) AS state FROM new_rows
          WHERE chat_id IS NOT NULL) d
    JOIN chats c ON c.id = d.chat_id AND c.account_id = d.account_id
    WHERE c.campaign_id IS NOT NULL GROUP BY 1, 2;
  ELSE
    INSERT INTO campaign_tallies (account_id, campaign_id, deliveries_waiting, deliveries_succeeded, deliveries_failed,
                                  deliveries_skipped)
    SELECT c.account_id, c.campaign_id, coalesce(sum(m.sign) FILTER (WHERE m.state = 'WAITING'), 0),
           coalesce(sum(m.sign) FILTER (WHERE m.state = 'SUCCEEDED'), 0),
           coalesce(sum(m.sign) FILTER (WHERE m.state = 'FAILED'), 0),
           coalesce(sum(m.sign) FILTER (WHERE m.state = 'SKIPPED'), 0)
    FROM (
      SELECT n.chat_id, n.account_id, campaign_delivery_state(n.status::text) AS new_state,
             campaign_delivery_state(o.status::text) AS old_state
      FROM new_rows n JOIN old_rows o ON o.id = n.id AND o.expires_on = n.expires_on
      WHERE n.chat_id IS NOT NULL
    ) d
    JOIN chats c ON c.id = d.chat_id AND c.account_id = d.account_id
    CROSS JOIN LATERAL (VALUES (d.new_state, 1), (d.old_state, -1)) AS m(state, sign)
    WHERE d.new_state <> d.old_state AND c.campaign_id IS NOT NULL GROUP BY 1, 2;
  END IF;
  RETURN NULL;
END
$$ LANGUAGE plpgsql;

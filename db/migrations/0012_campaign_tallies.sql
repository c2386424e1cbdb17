-- A campaign's Report reads per-campaign tallies (campaign_tallies), not a count over its chats' messages
-- and deliveries (issue #11: 2–4 s at 10 M deliveries). Triggers append what each statement changed;
-- lib/webhooks/rollups.ts folds the appended rows into one per campaign. Appends never conflict, so no
-- writer waits on a tally. Deletes (retention) subtract nothing: the Report counts all that happened.
CREATE TABLE "campaign_tallies" (
	"campaign_id" uuid NOT NULL,
	"messages_in" integer DEFAULT 0 NOT NULL,
	"messages_out" integer DEFAULT 0 NOT NULL,
	"chats_open" integer DEFAULT 0 NOT NULL,
	"chats_closed" integer DEFAULT 0 NOT NULL,
	"deliveries_waiting" integer DEFAULT 0 NOT NULL,
	"deliveries_succeeded" integer DEFAULT 0 NOT NULL,
	"deliveries_failed" integer DEFAULT 0 NOT NULL,
	"deliveries_skipped" integer DEFAULT 0 NOT NULL,
	"folded" boolean DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE INDEX "campaign_tallies_campaign_idx" ON "campaign_tallies" USING btree ("campaign_id");--> statement-breakpoint
CREATE INDEX "campaign_tallies_unfolded_idx" ON "campaign_tallies" USING btree ("campaign_id") WHERE NOT "campaign_tallies"."folded";
--> statement-breakpoint

-- Where a delivery stands for the Report: waiting (Pending, Delivering, Retrying) or its final status.
CREATE OR REPLACE FUNCTION campaign_delivery_state(status text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN status IN ('PENDING', 'DELIVERING', 'RETRYING') THEN 'WAITING' ELSE status END
$$;--> statement-breakpoint

-- Chats of a campaign: opened (statement trigger on INSERT) and status changes (a row trigger whose WHEN
-- skips the frequent updates that leave the status alone, such as the last-message preview).
CREATE OR REPLACE FUNCTION tally_campaign_chats_inserted() RETURNS trigger AS $$
BEGIN
  INSERT INTO campaign_tallies (campaign_id, chats_open, chats_closed)
  SELECT campaign_id, count(*) FILTER (WHERE status = 'OPEN'), count(*) FILTER (WHERE status = 'CLOSED')
  FROM new_rows WHERE campaign_id IS NOT NULL GROUP BY 1;
  RETURN NULL;
END
$$ LANGUAGE plpgsql;--> statement-breakpoint
CREATE TRIGGER chats_campaign_tally_insert AFTER INSERT ON "chats"
REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tally_campaign_chats_inserted();--> statement-breakpoint

CREATE OR REPLACE FUNCTION tally_campaign_chat_status() RETURNS trigger AS $$
BEGIN
  INSERT INTO campaign_tallies (campaign_id, chats_open, chats_closed)
  VALUES (NEW.campaign_id, (NEW.status = 'OPEN')::int - (OLD.status = 'OPEN')::int,
          (NEW.status = 'CLOSED')::int - (OLD.status = 'CLOSED')::int);
  RETURN NULL;
END
$$ LANGUAGE plpgsql;--> statement-breakpoint
CREATE TRIGGER chats_campaign_tally_status AFTER UPDATE OF status ON "chats" FOR EACH ROW
WHEN (OLD.status IS DISTINCT FROM NEW.status AND NEW.campaign_id IS NOT NULL)
EXECUTE FUNCTION tally_campaign_chat_status();--> statement-breakpoint

-- A chat attributed to a campaign after it opened (a Keyword campaign's keyword in a later message; a
-- connection that joined a campaign): what it already holds goes to the campaign. Rows the same statement
-- writes are left to their own triggers, which see the chat's campaign (they start at statement_timestamp()
-- or later). Chats never move from one campaign to another; a campaign's deletion only unlinks them.
CREATE OR REPLACE FUNCTION tally_campaign_chat_attributed() RETURNS trigger AS $$
BEGIN
  INSERT INTO campaign_tallies (campaign_id, messages_in, messages_out, chats_open, chats_closed, deliveries_waiting,
                                deliveries_succeeded, deliveries_failed, deliveries_skipped)
  SELECT NEW.campaign_id, m.n_in, m.n_out, (OLD.status = 'OPEN')::int, (OLD.status = 'CLOSED')::int, d.waiting,
         d.succeeded, d.failed, d.skipped
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
CREATE TRIGGER chats_campaign_tally_attributed AFTER UPDATE OF campaign_id ON "chats" FOR EACH ROW
WHEN (OLD.campaign_id IS NULL AND NEW.campaign_id IS NOT NULL)
EXECUTE FUNCTION tally_campaign_chat_attributed();--> statement-breakpoint

-- Messages of a campaign's chats, in and out.
CREATE OR REPLACE FUNCTION tally_campaign_messages() RETURNS trigger AS $$
BEGIN
  INSERT INTO campaign_tallies (campaign_id, messages_in, messages_out)
  SELECT c.campaign_id, count(*) FILTER (WHERE m.direction = 'IN'), count(*) FILTER (WHERE m.direction = 'OUT')
  FROM new_rows m JOIN chats c ON c.id = m.chat_id
  WHERE c.campaign_id IS NOT NULL GROUP BY 1;
  RETURN NULL;
END
$$ LANGUAGE plpgsql;--> statement-breakpoint
CREATE TRIGGER messages_campaign_tally AFTER INSERT ON "messages"
REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tally_campaign_messages();--> statement-breakpoint

-- Deliveries of a campaign's chats: +1 to the new state, -1 to the old, only when the state changes (a
-- claim or a retry keeps a delivery waiting). Test events belong to no chat.
CREATE OR REPLACE FUNCTION tally_campaign_deliveries() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO campaign_tallies (campaign_id, deliveries_waiting, deliveries_succeeded, deliveries_failed, deliveries_skipped)
    SELECT c.campaign_id, count(*) FILTER (WHERE d.state = 'WAITING'), count(*) FILTER (WHERE d.state = 'SUCCEEDED'),
           count(*) FILTER (WHERE d.state = 'FAILED'), count(*) FILTER (WHERE d.state = 'SKIPPED')
    FROM (SELECT chat_id, campaign_delivery_state(status::text) AS state FROM new_rows WHERE chat_id IS NOT NULL) d
    JOIN chats c ON c.id = d.chat_id
    WHERE c.campaign_id IS NOT NULL GROUP BY 1;
  ELSE
    INSERT INTO campaign_tallies (campaign_id, deliveries_waiting, deliveries_succeeded, deliveries_failed, deliveries_skipped)
    SELECT c.campaign_id, coalesce(sum(m.sign) FILTER (WHERE m.state = 'WAITING'), 0),
           coalesce(sum(m.sign) FILTER (WHERE m.state = 'SUCCEEDED'), 0),
           coalesce(sum(m.sign) FILTER (WHERE m.state = 'FAILED'), 0),
           coalesce(sum(m.sign) FILTER (WHERE m.state = 'SKIPPED'), 0)
    FROM (
      SELECT n.chat_id, campaign_delivery_state(n.status::text) AS new_state,
             campaign_delivery_state(o.status::text) AS old_state
      FROM new_rows n JOIN old_rows o ON o.id = n.id AND o.expires_on = n.expires_on
      WHERE n.chat_id IS NOT NULL
    ) d
    JOIN chats c ON c.id = d.chat_id
    CROSS JOIN LATERAL (VALUES (d.new_state, 1), (d.old_state, -1)) AS m(state, sign)
    WHERE d.new_state <> d.old_state AND c.campaign_id IS NOT NULL GROUP BY 1;
  END IF;
  RETURN NULL;
END
$$ LANGUAGE plpgsql;--> statement-breakpoint
CREATE TRIGGER deliveries_campaign_tally_insert AFTER INSERT ON "deliveries"
REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tally_campaign_deliveries();--> statement-breakpoint
CREATE TRIGGER deliveries_campaign_tally_update AFTER UPDATE ON "deliveries"
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tally_campaign_deliveries();--> statement-breakpoint

-- What is already there, as folded rows (the triggers count from here on; the migration holds the
-- tables' locks until it commits, so nothing is counted twice).
INSERT INTO campaign_tallies (campaign_id, chats_open, chats_closed, folded)
SELECT campaign_id, count(*) FILTER (WHERE status = 'OPEN'), count(*) FILTER (WHERE status = 'CLOSED'), true
FROM chats WHERE campaign_id IS NOT NULL GROUP BY 1;--> statement-breakpoint
INSERT INTO campaign_tallies (campaign_id, messages_in, messages_out, folded)
SELECT c.campaign_id, count(*) FILTER (WHERE m.direction = 'IN'), count(*) FILTER (WHERE m.direction = 'OUT'), true
FROM messages m JOIN chats c ON c.id = m.chat_id WHERE c.campaign_id IS NOT NULL GROUP BY 1;--> statement-breakpoint
INSERT INTO campaign_tallies (campaign_id, deliveries_waiting, deliveries_succeeded, deliveries_failed, deliveries_skipped, folded)
SELECT c.campaign_id, count(*) FILTER (WHERE campaign_delivery_state(d.status::text) = 'WAITING'),
       count(*) FILTER (WHERE d.status::text = 'SUCCEEDED'), count(*) FILTER (WHERE d.status::text = 'FAILED'),
       count(*) FILTER (WHERE d.status::text = 'SKIPPED'), true
FROM deliveries d JOIN chats c ON c.id = d.chat_id WHERE c.campaign_id IS NOT NULL GROUP BY 1;

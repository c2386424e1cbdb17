-- Every primary key and unique index of the tables that grow with traffic includes account_id (issue #12:
-- ready to be distributed by account with Citus, which requires the distribution column in each; see
-- ACCOUNT_KEYED_TABLES in db/schema.ts). account_id goes last, so lookups by the other columns keep using
-- the same index. An attempt carries its delivery's account again (filled in below from its delivery), and
-- campaign tallies their campaign's. To keep a delivery within its bytes (issue #11), the two indexes that
-- hold several rows per key become plain ones on that key, which PostgreSQL deduplicates: attempts have no
-- unique key any more (lib/webhooks/complete.ts says why attempt numbers cannot repeat) and are found by
-- their delivery, and a chat's deliveries by the chat alone.
-- On a large database this rewrites the attempts and rebuilds these indexes: run it in a quiet hour.
ALTER TABLE "delivery_attempts" ADD COLUMN "account_id" uuid;--> statement-breakpoint
UPDATE "delivery_attempts" a SET "account_id" = d."account_id"
FROM "deliveries" d WHERE d."id" = a."delivery_id" AND d."expires_on" = a."expires_on";--> statement-breakpoint
-- An attempt whose delivery is gone could never be read.
DELETE FROM "delivery_attempts" WHERE "account_id" IS NULL;--> statement-breakpoint
ALTER TABLE "delivery_attempts" ALTER COLUMN "account_id" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "delivery_attempts" DROP CONSTRAINT "delivery_attempts_delivery_id_attempt_number_expires_on_pk";--> statement-breakpoint
CREATE INDEX "delivery_attempts_delivery_idx" ON "delivery_attempts" USING btree ("delivery_id");--> statement-breakpoint
DROP INDEX "deliveries_chat_seq_idx";--> statement-breakpoint
CREATE INDEX "deliveries_chat_idx" ON "deliveries" USING btree ("chat_id");--> statement-breakpoint
ALTER TABLE "chats" DROP CONSTRAINT "chats_pkey";--> statement-breakpoint
ALTER TABLE "chats" ADD CONSTRAINT "chats_id_account_id_pk" PRIMARY KEY("id","account_id");--> statement-breakpoint
DROP INDEX "chats_open_contact_key";--> statement-breakpoint
CREATE UNIQUE INDEX "chats_open_contact_key" ON "chats" USING btree ("connection_id","contact","account_id") WHERE "chats"."status" = 'OPEN';--> statement-breakpoint
ALTER TABLE "messages" DROP CONSTRAINT "messages_id_expires_on_pk";--> statement-breakpoint
ALTER TABLE "messages" ADD CONSTRAINT "messages_id_expires_on_account_id_pk" PRIMARY KEY("id","expires_on","account_id");--> statement-breakpoint
ALTER TABLE "deliveries" DROP CONSTRAINT "deliveries_id_expires_on_pk";--> statement-breakpoint
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_id_expires_on_account_id_pk" PRIMARY KEY("id","expires_on","account_id");--> statement-breakpoint
ALTER TABLE "delivery_queue" DROP CONSTRAINT "delivery_queue_pkey";--> statement-breakpoint
ALTER TABLE "delivery_queue" ADD CONSTRAINT "delivery_queue_delivery_id_account_id_pk" PRIMARY KEY("delivery_id","account_id");--> statement-breakpoint
ALTER TABLE "unsuccessful_deliveries" DROP CONSTRAINT "unsuccessful_deliveries_pkey";--> statement-breakpoint
ALTER TABLE "unsuccessful_deliveries" ADD CONSTRAINT "unsuccessful_deliveries_delivery_id_account_id_pk" PRIMARY KEY("delivery_id","account_id");--> statement-breakpoint
ALTER TABLE "delivery_hours" DROP CONSTRAINT "delivery_hours_integration_id_hour_pk";--> statement-breakpoint
ALTER TABLE "delivery_hours" ADD CONSTRAINT "delivery_hours_integration_id_hour_account_id_pk" PRIMARY KEY("integration_id","hour","account_id");--> statement-breakpoint
-- Migration 0009's trigger, with the new key as its conflict target.
CREATE OR REPLACE FUNCTION track_unsuccessful_delivery() RETURNS trigger AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    DELETE FROM unsuccessful_deliveries WHERE delivery_id = OLD.id;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.status::text IN ('FAILED', 'SKIPPED') THEN
    INSERT INTO unsuccessful_deliveries (delivery_id, expires_on, account_id, integration_id, chat_id, status, created_at, seq)
    VALUES (NEW.id, NEW.expires_on, NEW.account_id, NEW.integration_id, NEW.chat_id, NEW.status, NEW.created_at, NEW.seq)
    ON CONFLICT (delivery_id, account_id) DO UPDATE SET status = excluded.status;
  END IF;
  RETURN NULL;
END
$$ LANGUAGE plpgsql;--> statement-breakpoint
-- Campaign tallies carry their account: appended by the triggers on chats, messages and deliveries, so
-- distributed by account they stay with the rows that wrote them.
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
-- (Its hash join setting is migration 0022's, which a replaced function loses: set again here.)
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

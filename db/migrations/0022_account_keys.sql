-- Every primary key and unique index of the tables that grow with traffic includes account_id (issue #12:
-- ready to be distributed by account with Citus, which requires the distribution column in each; see
-- ACCOUNT_KEYED_TABLES in db/schema.ts). account_id goes last, so lookups by the other columns keep using
-- the same index. An attempt carries its delivery's account again (filled in below from its delivery).
-- On a large database this rewrites the attempts and rebuilds these indexes: run it in a quiet hour.
ALTER TABLE "delivery_attempts" ADD COLUMN "account_id" uuid;--> statement-breakpoint
UPDATE "delivery_attempts" a SET "account_id" = d."account_id"
FROM "deliveries" d WHERE d."id" = a."delivery_id" AND d."expires_on" = a."expires_on";--> statement-breakpoint
-- An attempt whose delivery is gone could never be read.
DELETE FROM "delivery_attempts" WHERE "account_id" IS NULL;--> statement-breakpoint
ALTER TABLE "delivery_attempts" ALTER COLUMN "account_id" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "delivery_attempts" DROP CONSTRAINT "delivery_attempts_delivery_id_attempt_number_expires_on_pk";--> statement-breakpoint
ALTER TABLE "delivery_attempts" ADD CONSTRAINT "delivery_attempts_delivery_id_attempt_number_expires_on_account_id_pk" PRIMARY KEY("delivery_id","attempt_number","expires_on","account_id");--> statement-breakpoint
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
$$ LANGUAGE plpgsql;
--> statement-breakpoint
-- Migration 0012's tallies: a chat is found by its whole key (id and account), which the planner knows to
-- be unique.
CREATE OR REPLACE FUNCTION tally_campaign_messages() RETURNS trigger AS $$
BEGIN
  INSERT INTO campaign_tallies (campaign_id, messages_in, messages_out)
  SELECT c.campaign_id, count(*) FILTER (WHERE m.direction = 'IN'), count(*) FILTER (WHERE m.direction = 'OUT')
  FROM new_rows m JOIN chats c ON c.id = m.chat_id AND c.account_id = m.account_id
  WHERE c.campaign_id IS NOT NULL GROUP BY 1;
  RETURN NULL;
END
$$ LANGUAGE plpgsql;--> statement-breakpoint
CREATE OR REPLACE FUNCTION tally_campaign_deliveries() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO campaign_tallies (campaign_id, deliveries_waiting, deliveries_succeeded, deliveries_failed, deliveries_skipped)
    SELECT c.campaign_id, count(*) FILTER (WHERE d.state = 'WAITING'), count(*) FILTER (WHERE d.state = 'SUCCEEDED'),
           count(*) FILTER (WHERE d.state = 'FAILED'), count(*) FILTER (WHERE d.state = 'SKIPPED')
    FROM (SELECT chat_id, account_id, campaign_delivery_state(status::text) AS state FROM new_rows
          WHERE chat_id IS NOT NULL) d
    JOIN chats c ON c.id = d.chat_id AND c.account_id = d.account_id
    WHERE c.campaign_id IS NOT NULL GROUP BY 1;
  ELSE
    INSERT INTO campaign_tallies (campaign_id, deliveries_waiting, deliveries_succeeded, deliveries_failed, deliveries_skipped)
    SELECT c.campaign_id, coalesce(sum(m.sign) FILTER (WHERE m.state = 'WAITING'), 0),
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
    WHERE d.new_state <> d.old_state AND c.campaign_id IS NOT NULL GROUP BY 1;
  END IF;
  RETURN NULL;
END
$$ LANGUAGE plpgsql;--> statement-breakpoint
-- The delivery engine's sessions turn hash joins off (db/index.ts), and these triggers match a statement's
-- old rows to its new ones: with only a nested loop over the two row sets, that is quadratic (a Skip of
-- 5,000 waiting deliveries spent 5 s there per chunk). A hash join matches them in one pass.
ALTER FUNCTION count_delivery_minutes() SET enable_hashjoin = on;--> statement-breakpoint
ALTER FUNCTION tally_campaign_deliveries() SET enable_hashjoin = on;

-- Bounded storage (issue #11). messages, deliveries and delivery_attempts become partitioned by the day
-- their rows expire (expires_on: the UTC day a row was written + its account's retention period + 1), one
-- partition per day, so that expiring a day is dropping its partitions — never a long DELETE. Every
-- existing row is kept: the tables are rebuilt as partitioned ones and their rows copied in, each with
-- the expiry day it would have had (a 30-day period, the default). Rows whose day has already passed go
-- to partitions in the past, which the first maintenance run drops (keeping any unfinished delivery).
-- No foreign key leads into or out of these tables (a DROP would probe every partition, a chat's or an
-- integration's delete cascade through millions of rows); the engine keeps them consistent.

-- Per-account retention.
ALTER TABLE "accounts" ADD COLUMN "retention_days" integer DEFAULT 30 NOT NULL;--> statement-breakpoint
ALTER TABLE "accounts" ADD COLUMN "retention_catch_up_until" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "accounts" ADD CONSTRAINT "accounts_retention_days_range" CHECK ("accounts"."retention_days" BETWEEN 1 AND 90);--> statement-breakpoint
CREATE INDEX "chats_closed_idx" ON "chats" USING btree ("account_id","closed_at") WHERE "chats"."status" = 'CLOSED';--> statement-breakpoint

-- Creates the day partitions of the three tables from first_day to last_day that do not exist yet, and
-- returns how many it made. Each is made apart and then attached, which locks the parent only in SHARE
-- UPDATE EXCLUSIVE mode (CREATE TABLE … PARTITION OF would take ACCESS EXCLUSIVE, stopping the hot
-- path); callers take turns (advisory lock). Used by this migration and by the maintenance
-- (lib/webhooks/partitions.ts).
CREATE OR REPLACE FUNCTION ensure_expiry_partitions(first_day date, last_day date) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
  d date;
  parent text;
  part text;
  made integer := 0;
BEGIN
  PERFORM pg_advisory_xact_lock(72410002);
  FOR d IN SELECT generate_series(first_day, last_day, interval '1 day')::date LOOP
    FOREACH parent IN ARRAY ARRAY['messages', 'deliveries', 'delivery_attempts'] LOOP
      part := parent || '_p' || to_char(d, 'YYYYMMDD');
      CONTINUE WHEN to_regclass(part) IS NOT NULL;
      -- Room on each page for the in-place (HOT) updates a delivery gets as its attempts complete.
      EXECUTE format('CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS INCLUDING CONSTRAINTS) WITH (fillfactor = %s)',
                     part, parent, CASE parent WHEN 'deliveries' THEN 75 ELSE 100 END);
      -- With the range as a constraint, attaching needs no scan.
      EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I CHECK (expires_on >= %L AND expires_on < %L)',
                     part, part || '_range', d, d + 1);
      EXECUTE format('ALTER TABLE %I ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', parent, part, d, d + 1);
      EXECUTE format('ALTER TABLE %I DROP CONSTRAINT %I', part, part || '_range');
      made := made + 1;
    END LOOP;
  END LOOP;
  RETURN made;
END
$$;--> statement-breakpoint

-- The expiry day of a row written now by an account.
CREATE OR REPLACE FUNCTION retention_expires_on(account uuid) RETURNS date
LANGUAGE sql STABLE AS $$
  SELECT (now() AT TIME ZONE 'UTC')::date + a.retention_days + 1 FROM accounts a WHERE a.id = account
$$;--> statement-breakpoint

-- Without a foreign key, the queue rows of an integration deleted (alone, or with its account) go with it
-- here: nothing more is sent for it. Its log is unreachable and expires with its partitions.
CREATE OR REPLACE FUNCTION integration_deleted() RETURNS trigger AS $$
BEGIN
  DELETE FROM delivery_queue WHERE integration_id = OLD.id;
  RETURN NULL;
END
$$ LANGUAGE plpgsql;--> statement-breakpoint
CREATE TRIGGER integrations_deleted AFTER DELETE ON integrations
  FOR EACH ROW EXECUTE FUNCTION integration_deleted();--> statement-breakpoint

-- Out with the old constraints and indexes (their names go to the new tables).
ALTER TABLE "delivery_queue" DROP CONSTRAINT "delivery_queue_delivery_id_deliveries_id_fk";--> statement-breakpoint
ALTER TABLE "delivery_attempts" DROP CONSTRAINT "delivery_attempts_delivery_id_deliveries_id_fk";--> statement-breakpoint
ALTER TABLE "deliveries" DROP CONSTRAINT "deliveries_message_id_messages_id_fk";--> statement-breakpoint
ALTER TABLE "deliveries" DROP CONSTRAINT "deliveries_chat_id_chats_id_fk";--> statement-breakpoint
ALTER TABLE "deliveries" DROP CONSTRAINT "deliveries_integration_id_integrations_id_fk";--> statement-breakpoint
ALTER TABLE "messages" DROP CONSTRAINT "messages_chat_id_chats_id_fk";--> statement-breakpoint
ALTER TABLE "messages" RENAME TO "messages_old";--> statement-breakpoint
ALTER TABLE "deliveries" RENAME TO "deliveries_old";--> statement-breakpoint
ALTER TABLE "delivery_attempts" RENAME TO "delivery_attempts_old";--> statement-breakpoint
DROP INDEX "messages_chat_idx";--> statement-breakpoint
DROP INDEX "deliveries_chat_seq_idx";--> statement-breakpoint
DROP INDEX "deliveries_integration_recent_idx";--> statement-breakpoint
ALTER TABLE "deliveries_old" DROP CONSTRAINT "deliveries_chat_unless_test";--> statement-breakpoint
-- The identity's sequence goes with it; a plain sequence carries on from the same number.
ALTER TABLE "deliveries_old" ALTER COLUMN "seq" DROP IDENTITY;--> statement-breakpoint
CREATE SEQUENCE "deliveries_seq_seq";--> statement-breakpoint
SELECT setval('deliveries_seq_seq', coalesce((SELECT max(seq) FROM deliveries_old), 0) + 1, false);--> statement-breakpoint

CREATE TABLE "messages" (
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"account_id" uuid NOT NULL,
	"chat_id" uuid NOT NULL,
	"direction" "message_direction" NOT NULL,
	"text" text,
	"multimedia_url" text,
	"multimedia_caption" text,
	"external_id" text,
	"send_status" text,
	"send_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_on" date NOT NULL,
	CONSTRAINT "messages_id_expires_on_pk" PRIMARY KEY("id","expires_on")
) PARTITION BY RANGE ("expires_on");--> statement-breakpoint
CREATE INDEX "messages_chat_idx" ON "messages" USING btree ("chat_id","created_at");--> statement-breakpoint

CREATE TABLE "deliveries" (
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"account_id" uuid NOT NULL,
	"integration_id" uuid NOT NULL,
	"chat_id" uuid,
	"message_id" uuid,
	"seq" bigint DEFAULT nextval('deliveries_seq_seq') NOT NULL,
	"event" "event_type" NOT NULL,
	"payload" jsonb NOT NULL,
	"status" "delivery_status" DEFAULT 'PENDING' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"window_started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"attempts_before_window" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_status_code" integer,
	"last_error" text,
	"last_latency_ms" integer,
	"is_test" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"completed_at" timestamp with time zone,
	"expires_on" date NOT NULL,
	CONSTRAINT "deliveries_id_expires_on_pk" PRIMARY KEY("id","expires_on"),
	CONSTRAINT "deliveries_chat_unless_test" CHECK ("is_test" OR "chat_id" IS NOT NULL)
) PARTITION BY RANGE ("expires_on");--> statement-breakpoint
ALTER SEQUENCE "deliveries_seq_seq" OWNED BY "deliveries"."seq";--> statement-breakpoint
CREATE INDEX "deliveries_chat_seq_idx" ON "deliveries" USING btree ("chat_id","integration_id","seq");--> statement-breakpoint
CREATE INDEX "deliveries_integration_recent_idx" ON "deliveries" USING btree ("integration_id","created_at");--> statement-breakpoint

CREATE TABLE "delivery_attempts" (
	"account_id" uuid NOT NULL,
	"delivery_id" uuid NOT NULL,
	"attempt_number" integer NOT NULL,
	"expires_on" date NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"duration_ms" integer NOT NULL,
	"request" json NOT NULL,
	"response_status" integer,
	"response_headers" json,
	"response_body" text,
	"error_class" "attempt_error",
	"error_message" text,
	CONSTRAINT "delivery_attempts_delivery_id_attempt_number_expires_on_pk" PRIMARY KEY("delivery_id","attempt_number","expires_on")
) PARTITION BY RANGE ("expires_on");--> statement-breakpoint

-- Provider ids of inbound messages (was a unique index on messages).
CREATE TABLE "inbound_message_ids" (
	"account_id" uuid NOT NULL,
	"external_id" text NOT NULL,
	"chat_id" uuid NOT NULL,
	"message_id" uuid NOT NULL,
	"expires_on" date NOT NULL,
	CONSTRAINT "inbound_message_ids_external_id_account_id_pk" PRIMARY KEY("external_id","account_id")
);--> statement-breakpoint
CREATE INDEX "inbound_message_ids_expires_idx" ON "inbound_message_ids" USING btree ("expires_on");--> statement-breakpoint

ALTER TABLE "delivery_queue" ADD COLUMN "expires_on" date;--> statement-breakpoint

-- The existing rows, with their expiry days; then the partitions they need and those ahead.
CREATE TEMPORARY TABLE message_expiry ON COMMIT DROP AS
  SELECT m.id, (m.created_at AT TIME ZONE 'UTC')::date + a.retention_days + 1 AS expires_on
  FROM messages_old m JOIN accounts a ON a.id = m.account_id;--> statement-breakpoint
CREATE TEMPORARY TABLE delivery_expiry ON COMMIT DROP AS
  SELECT d.id, (d.created_at AT TIME ZONE 'UTC')::date + a.retention_days + 1 AS expires_on
  FROM deliveries_old d JOIN accounts a ON a.id = d.account_id;--> statement-breakpoint
SELECT ensure_expiry_partitions(
  least((SELECT min(expires_on) FROM message_expiry), (SELECT min(expires_on) FROM delivery_expiry),
        (now() AT TIME ZONE 'UTC')::date),
  (now() AT TIME ZONE 'UTC')::date + (SELECT coalesce(max(retention_days), 30) FROM accounts) + 1 + 7);--> statement-breakpoint

INSERT INTO "messages" (id, account_id, chat_id, direction, text, multimedia_url, multimedia_caption,
                        external_id, send_status, send_error, created_at, expires_on)
SELECT m.id, m.account_id, m.chat_id, m.direction, m.text, m.multimedia_url, m.multimedia_caption,
       m.external_id, m.send_status, m.send_error, m.created_at, x.expires_on
FROM messages_old m JOIN message_expiry x ON x.id = m.id;--> statement-breakpoint
INSERT INTO "inbound_message_ids" (account_id, external_id, chat_id, message_id, expires_on)
SELECT m.account_id, m.external_id, m.chat_id, m.id, x.expires_on
FROM messages_old m JOIN message_expiry x ON x.id = m.id
WHERE m.direction = 'IN' AND m.external_id IS NOT NULL;--> statement-breakpoint
INSERT INTO "deliveries" (id, account_id, integration_id, chat_id, message_id, seq, event, payload, status,
                          attempts, window_started_at, attempts_before_window, next_attempt_at,
                          last_status_code, last_error, last_latency_ms, is_test, created_at, completed_at,
                          expires_on)
SELECT d.id, d.account_id, d.integration_id, d.chat_id, d.message_id, d.seq, d.event, d.payload, d.status,
       d.attempts, d.window_started_at, d.attempts_before_window, d.next_attempt_at,
       d.last_status_code, d.last_error, d.last_latency_ms, d.is_test, d.created_at, d.completed_at,
       x.expires_on
FROM deliveries_old d JOIN delivery_expiry x ON x.id = d.id;--> statement-breakpoint
INSERT INTO "delivery_attempts" (account_id, delivery_id, attempt_number, expires_on, started_at,
                                 duration_ms, request, response_status, response_headers, response_body,
                                 error_class, error_message)
SELECT t.account_id, t.delivery_id, t.attempt_number, x.expires_on, t.started_at, t.duration_ms, t.request,
       t.response_status, t.response_headers, t.response_body, t.error_class, t.error_message
FROM delivery_attempts_old t JOIN delivery_expiry x ON x.id = t.delivery_id;--> statement-breakpoint
UPDATE delivery_queue q SET expires_on = x.expires_on FROM delivery_expiry x WHERE x.id = q.delivery_id;--> statement-breakpoint
-- A queue row whose delivery was gone had nothing to send.
DELETE FROM delivery_queue WHERE expires_on IS NULL;--> statement-breakpoint
ALTER TABLE "delivery_queue" ALTER COLUMN "expires_on" SET NOT NULL;--> statement-breakpoint

DROP TABLE "delivery_attempts_old";--> statement-breakpoint
DROP TABLE "deliveries_old";--> statement-breakpoint
DROP TABLE "messages_old";

-- Bytes per delivery (issue #11). An attempt no longer names its account: it is only read through its
-- delivery, which does. (Existing rows keep the dropped column's bytes until their day expires.)
ALTER TABLE "delivery_attempts" DROP COLUMN "account_id";--> statement-breakpoint
-- Partitions whose indexes the maintenance has rebuilt packed (lib/webhooks/compaction.ts).
CREATE TABLE "compacted_partitions" (
	"partition" text PRIMARY KEY NOT NULL,
	"compacted_at" timestamp with time zone DEFAULT now() NOT NULL
);--> statement-breakpoint
-- Provider message ids are keyed on their MD5 (16 bytes instead of 40–60 characters; lookups compare the
-- id itself too): the index a third the size.
ALTER TABLE "inbound_message_ids" DROP CONSTRAINT "inbound_message_ids_external_id_account_id_pk";--> statement-breakpoint
CREATE UNIQUE INDEX "inbound_message_ids_key" ON "inbound_message_ids" USING btree ((md5("external_id")::uuid),"account_id");--> statement-breakpoint
-- A delivery no longer stores what it repeats: its own chat_id, integration_id and event, its time (the
-- event's `timestamp` is when it was stored: its created_at, to the millisecond), and — a MESSAGE event's
-- — the message's text and media, which the message row (same expiry day) holds; nulls are left out.
-- That was ~260 of a delivery's ~560 bytes. Everything that reads a delivery's payload reads
-- event_payload(), which puts it back together key for key (attempt logs are packed against it,
-- lib/webhooks/attempt-log.ts): from the queue row while there is one (it carries the whole payload, which
-- a claim hands the worker; an unfinished delivery thus never needs its message, which retention may have
-- let go), else from the row and its message. Rows stored whole before this keep their keys: those win.
CREATE FUNCTION event_timestamp(at timestamptz) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT to_char($1 AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
$$;--> statement-breakpoint
CREATE FUNCTION stored_event_payload(payload jsonb, has_message boolean) RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT jsonb_strip_nulls($1) - CASE WHEN $2 THEN ARRAY['chatId', 'integrationId', 'event', 'timestamp', 'text', 'multimediaUrl', 'multimediaCaption']
                                      ELSE ARRAY['chatId', 'integrationId', 'event', 'timestamp'] END
$$;--> statement-breakpoint
CREATE FUNCTION event_payload(d deliveries) RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT coalesce(
    (SELECT q.payload FROM delivery_queue q WHERE q.delivery_id = $1.id),
    jsonb_build_object('chatId', $1.chat_id, 'integrationId', $1.integration_id, 'event', $1.event,
                       'timestamp', event_timestamp($1.created_at),
                       'text', NULL, 'multimediaUrl', NULL, 'multimediaCaption', NULL)
    || coalesce((SELECT jsonb_build_object('text', m.text, 'multimediaUrl', m.multimedia_url,
                                           'multimediaCaption', m.multimedia_caption)
                 FROM messages m WHERE $1.message_id IS NOT NULL AND m.id = $1.message_id
                   AND m.expires_on = $1.expires_on), '{}')
    || $1.payload)
$$;

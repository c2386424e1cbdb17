-- A completion updates its day's deliveries partition by name (lib/webhooks/complete.ts: a plan over the
-- parent sets up every day's partition on every run). Statement-level triggers fire only for the table a
-- statement names, so the per-minute rollups (migration 0010) and the campaign tallies (migration 0012)
-- that count a statement's status changes are on each deliveries partition too, as well as on the parent
-- (which keeps them for every statement that names it). Partitions made from now on get them as they are
-- made; the ones there now get them here.
CREATE OR REPLACE FUNCTION add_delivery_partition_triggers(part text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('CREATE TRIGGER deliveries_minutes_update AFTER UPDATE ON %I '
                 'REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows '
                 'FOR EACH STATEMENT EXECUTE FUNCTION count_delivery_minutes()', part);
  EXECUTE format('CREATE TRIGGER deliveries_campaign_tally_update AFTER UPDATE ON %I '
                 'REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows '
                 'FOR EACH STATEMENT EXECUTE FUNCTION tally_campaign_deliveries()', part);
END
$$;--> statement-breakpoint
-- Migration 0016's, with those triggers on each new deliveries partition.
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
                     part, parent, CASE parent WHEN 'deliveries' THEN 90 ELSE 100 END);
      -- With the range as a constraint, attaching needs no scan.
      EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I CHECK (expires_on >= %L AND expires_on < %L)',
                     part, part || '_range', d, d + 1);
      EXECUTE format('ALTER TABLE %I ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', parent, part, d, d + 1);
      EXECUTE format('ALTER TABLE %I DROP CONSTRAINT %I', part, part || '_range');
      IF parent = 'deliveries' THEN
        PERFORM add_delivery_partition_triggers(part);
      END IF;
      made := made + 1;
    END LOOP;
  END LOOP;
  RETURN made;
END
$$;--> statement-breakpoint
DO $$
DECLARE part regclass;
BEGIN
  FOR part IN SELECT inhrelid::regclass FROM pg_inherits WHERE inhparent = 'deliveries'::regclass LOOP
    PERFORM add_delivery_partition_triggers(part::text);
  END LOOP;
END $$;

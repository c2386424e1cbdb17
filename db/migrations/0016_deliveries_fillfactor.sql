-- Bytes per delivery (issue #11). A delivery row is updated in place once or a few times, within seconds of
-- being written, as its attempts complete; each such update finds its row through an index, and that page
-- read prunes the versions earlier updates left, so room for one new version per page keeps them in
-- place (HOT). The quarter of each page kept free until now was never used once a day's rows were done:
-- 90 % instead of 75 % (new pages of every deliveries partition, and the partitions made from now on).
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
    EXECUTE format('ALTER TABLE %s SET (fillfactor = 90)', part);
  END LOOP;
END $$;

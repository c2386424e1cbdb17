-- The statement triggers that count a statement's status changes (the per-minute rollups of migration
-- 0010, the campaign tallies of migration 0012) matched each old row to its new one. PL/pgSQL keeps the
-- plan it made the first time, for transition tables of whatever size they had then: after a one-row
-- update it is a nested loop, which on a 5,000-row statement compares 25 million pairs (a Skip of 5,000
-- waiting deliveries took 4–5 s in each of the two triggers; migration 0022's hash join setting does not
-- change a plan already made). So they match nothing: a change is +1 to every new row and −1 to every
-- old one, summed per group, and a row that did not change cancels out. One pass over each table,
-- whatever the plan. The chats a tally needs are looked up per chat (changed chats only) with the chat
-- leading, so that lookup cannot become a walk of the chats table either.
CREATE OR REPLACE FUNCTION count_delivery_minutes() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO delivery_minutes (account_id, integration_id, minute, latency_bucket, pending, retrying, succeeded, failed, skipped)
    SELECT account_id, integration_id, date_trunc('minute', created_at), bucket,
           count(*) FILTER (WHERE status IN ('PENDING', 'DELIVERING')), count(*) FILTER (WHERE status = 'RETRYING'),
           count(*) FILTER (WHERE status = 'SUCCEEDED'), count(*) FILTER (WHERE status = 'FAILED'),
           count(*) FILTER (WHERE status = 'SKIPPED')
    FROM (
      SELECT account_id, integration_id, created_at, status::text AS status,
             CASE WHEN status::text IN ('SUCCEEDED', 'FAILED', 'RETRYING') THEN latency_bucket(last_latency_ms) END AS bucket
      FROM new_rows WHERE NOT is_test
    ) n
    GROUP BY 1, 2, 3, 4;
  ELSE
    INSERT INTO delivery_minutes (account_id, integration_id, minute, latency_bucket, pending, retrying, succeeded, failed, skipped)
    SELECT account_id, integration_id, minute, bucket, pending, retrying, succeeded, failed, skipped
    FROM (
      SELECT account_id, integration_id, minute, bucket,
             coalesce(sum(sign) FILTER (WHERE status IN ('PENDING', 'DELIVERING')), 0) AS pending,
             coalesce(sum(sign) FILTER (WHERE status = 'RETRYING'), 0) AS retrying,
             coalesce(sum(sign) FILTER (WHERE status = 'SUCCEEDED'), 0) AS succeeded,
             coalesce(sum(sign) FILTER (WHERE status = 'FAILED'), 0) AS failed,
             coalesce(sum(sign) FILTER (WHERE status = 'SKIPPED'), 0) AS skipped
      FROM (
        SELECT account_id, integration_id, date_trunc('minute', created_at) AS minute, status::text AS status,
               CASE WHEN status::text IN ('SUCCEEDED', 'FAILED', 'RETRYING') THEN latency_bucket(last_latency_ms) END AS bucket,
               1 AS sign
        FROM new_rows WHERE NOT is_test
        UNION ALL
        SELECT account_id, integration_id, date_trunc('minute', created_at), status::text,
               CASE WHEN status::text IN ('SUCCEEDED', 'FAILED', 'RETRYING') THEN latency_bucket(last_latency_ms) END,
               -1
        FROM old_rows WHERE NOT is_test
      ) c
      GROUP BY 1, 2, 3, 4
    ) g
    WHERE (pending, retrying, succeeded, failed, skipped) <> (0, 0, 0, 0, 0);
  END IF;
  RETURN NULL;
END
$$ LANGUAGE plpgsql;--> statement-breakpoint
-- (Replaced without migration 0022's setting: these statements have no join for it to choose.) An INSERT
-- trigger has no old rows to name, hence the two branches.
CREATE OR REPLACE FUNCTION tally_campaign_deliveries() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO campaign_tallies (account_id, campaign_id, deliveries_waiting, deliveries_succeeded, deliveries_failed,
                                  deliveries_skipped)
    SELECT c.account_id, c.campaign_id, sum(d.waiting), sum(d.succeeded), sum(d.failed), sum(d.skipped)
    FROM (
      SELECT chat_id, account_id, count(*) FILTER (WHERE state = 'WAITING') AS waiting,
             count(*) FILTER (WHERE state = 'SUCCEEDED') AS succeeded, count(*) FILTER (WHERE state = 'FAILED') AS failed,
             count(*) FILTER (WHERE state = 'SKIPPED') AS skipped
      FROM (SELECT chat_id, account_id, campaign_delivery_state(status::text) AS state FROM new_rows
            WHERE chat_id IS NOT NULL) n
      GROUP BY 1, 2
    ) d
    CROSS JOIN LATERAL (
      SELECT c.account_id, c.campaign_id FROM chats c
      WHERE c.id = d.chat_id AND c.account_id = d.account_id AND c.campaign_id IS NOT NULL
      OFFSET 0) c
    GROUP BY 1, 2;
  ELSE
    INSERT INTO campaign_tallies (account_id, campaign_id, deliveries_waiting, deliveries_succeeded, deliveries_failed,
                                  deliveries_skipped)
    SELECT c.account_id, c.campaign_id, sum(d.waiting), sum(d.succeeded), sum(d.failed), sum(d.skipped)
    FROM (
      SELECT chat_id, account_id,
             coalesce(sum(sign) FILTER (WHERE state = 'WAITING'), 0) AS waiting,
             coalesce(sum(sign) FILTER (WHERE state = 'SUCCEEDED'), 0) AS succeeded,
             coalesce(sum(sign) FILTER (WHERE state = 'FAILED'), 0) AS failed,
             coalesce(sum(sign) FILTER (WHERE state = 'SKIPPED'), 0) AS skipped
      FROM (
        SELECT chat_id, account_id, campaign_delivery_state(status::text) AS state, 1 AS sign
        FROM new_rows WHERE chat_id IS NOT NULL
        UNION ALL
        SELECT chat_id, account_id, campaign_delivery_state(status::text), -1
        FROM old_rows WHERE chat_id IS NOT NULL
      ) m
      GROUP BY 1, 2
    ) d
    CROSS JOIN LATERAL (
      SELECT c.account_id, c.campaign_id FROM chats c
      WHERE c.id = d.chat_id AND c.account_id = d.account_id AND c.campaign_id IS NOT NULL
      OFFSET 0) c
    WHERE (d.waiting, d.succeeded, d.failed, d.skipped) <> (0, 0, 0, 0)
    GROUP BY 1, 2;
  END IF;
  RETURN NULL;
END
$$ LANGUAGE plpgsql;--> statement-breakpoint
CREATE OR REPLACE FUNCTION tally_campaign_messages() RETURNS trigger AS $$
BEGIN
  INSERT INTO campaign_tallies (account_id, campaign_id, messages_in, messages_out)
  SELECT c.account_id, c.campaign_id, sum(m.n_in), sum(m.n_out)
  FROM (
    SELECT chat_id, account_id, count(*) FILTER (WHERE direction = 'IN') AS n_in,
           count(*) FILTER (WHERE direction = 'OUT') AS n_out
    FROM new_rows GROUP BY 1, 2
  ) m
  CROSS JOIN LATERAL (
    SELECT c.account_id, c.campaign_id FROM chats c
    WHERE c.id = m.chat_id AND c.account_id = m.account_id AND c.campaign_id IS NOT NULL
    OFFSET 0) c
  GROUP BY 1, 2;
  RETURN NULL;
END
$$ LANGUAGE plpgsql;

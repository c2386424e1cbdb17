-- Claims stop walking the events held behind their chat's earlier ones (issue #11: with 510 k due rows a
-- claim of 200 passed ~1,800 rows, most of them waiting for their chat's first event, which was in flight
-- or retrying). Such a row is `blocked` and the due index leaves it out.
--
-- Why it never waits for good: a row is queued blocked only behind an earlier queued event that its
-- inserting statement holds FOR KEY SHARE (lib/webhooks/enqueue.ts), which no DELETE of that event can pass
-- until the insert has committed; the DELETE's statement trigger below then runs with a fresh snapshot
-- (a PL/pgSQL statement in READ COMMITTED sees what committed before it started), so it sees the
-- blocked row and clears the chat's earliest one. An event that is leaving at that moment (row locked by
-- its DELETE) is skipped by the insert, whose rows then go unblocked: a claim's order check still holds
-- them until the earlier one is gone.
LOCK TABLE "delivery_queue" IN EXCLUSIVE MODE;--> statement-breakpoint
DROP INDEX "delivery_queue_due_idx";--> statement-breakpoint
ALTER TABLE "delivery_queue" ADD COLUMN "blocked" boolean DEFAULT false NOT NULL;--> statement-breakpoint
-- (Only rows never attempted since queued: one in flight or retrying keeps its own course.)
UPDATE "delivery_queue" f SET blocked = true
WHERE f.status = 'PENDING' AND f.lease_expires_at IS NULL
  AND EXISTS (SELECT 1 FROM delivery_queue p
              WHERE p.integration_id = f.integration_id AND p.chat_id = f.chat_id AND p.seq < f.seq);--> statement-breakpoint
CREATE INDEX "delivery_queue_due_idx" ON "delivery_queue" USING btree ("next_attempt_at") WHERE NOT "delivery_queue"."blocked";--> statement-breakpoint
CREATE FUNCTION delivery_queue_unblock() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- Per chat that lost a row, its earliest blocked row is let go: it is due now if it was held until a
  -- retry of the one before it (see lib/webhooks/complete.ts), unless it waits for a Start. The earliest
  -- blocked one, not the earliest one: two rows of a chat can leave at once (a Resend queues an event
  -- before the one in flight), and each statement still sees the other's row. Letting one go while an
  -- earlier row is still queued is harmless (the claim's order check holds it until that one has gone),
  -- and each row that leaves lets the next one go.
  UPDATE delivery_queue q
  SET blocked = false,
      next_attempt_at = CASE WHEN q.next_attempt_at = 'infinity' THEN q.next_attempt_at
                             ELSE least(q.next_attempt_at, now()) END
  FROM (SELECT DISTINCT integration_id, chat_id FROM gone) g
  WHERE q.integration_id = g.integration_id AND q.chat_id = g.chat_id AND q.blocked
    AND q.seq = (SELECT min(m.seq) FROM delivery_queue m
                 WHERE m.integration_id = g.integration_id AND m.chat_id = g.chat_id AND m.blocked);
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER delivery_queue_unblock AFTER DELETE ON delivery_queue
  REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION delivery_queue_unblock();

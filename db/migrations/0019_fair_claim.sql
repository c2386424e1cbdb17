-- The claim's round robin across integrations (lib/webhooks/claim.ts): each integration's due deliveries in
-- due order, and a loose index scan over the integrations that have any.
CREATE INDEX "delivery_queue_fair_idx" ON "delivery_queue" USING btree ("integration_id","next_attempt_at") WHERE NOT "delivery_queue"."blocked";
-- The delivery engine's sessions turn hash joins off (db/index.ts), and these statement triggers (the
-- per-minute rollups of migration 0010, the campaign tallies of migration 0012) match a statement's old
-- rows to its new ones: with nothing but a nested loop over the two row sets, that is quadratic in the
-- statement's size — a Skip of 5,000 waiting deliveries spent 5 s there per chunk, and every completion
-- batch of 200 paid 40,000 comparisons. A hash join matches them in one pass.
ALTER FUNCTION count_delivery_minutes() SET enable_hashjoin = on;--> statement-breakpoint
ALTER FUNCTION tally_campaign_deliveries() SET enable_hashjoin = on;

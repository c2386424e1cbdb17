-- The counters of the limits every process shares (issue #12; lib/api/rate-limit.ts). UNLOGGED: they need
-- no crash safety (a crash resets them), and counting a request then costs no WAL and no commit flush.
CREATE UNLOGGED TABLE "rate_limits" (
	"key" varchar(255) PRIMARY KEY NOT NULL,
	"points" integer DEFAULT 0 NOT NULL,
	"expire" bigint
);

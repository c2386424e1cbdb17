-- An integration endpoint's health as every worker sees it (issue #12: the circuit breaker and the 429 pause;
-- lib/webhooks/health.ts). No row while it answers.
CREATE TABLE "integration_health" (
	"integration_id" uuid PRIMARY KEY NOT NULL,
	"failure_streak" integer DEFAULT 0 NOT NULL,
	"streak_started_at" timestamp with time zone,
	"last_error" text,
	"last_failure_at" timestamp with time zone,
	"failing_since" timestamp with time zone,
	"probes" integer DEFAULT 0 NOT NULL,
	"held_until" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "integration_health" ADD CONSTRAINT "integration_health_integration_id_integrations_id_fk" FOREIGN KEY ("integration_id") REFERENCES "public"."integrations"("id") ON DELETE cascade ON UPDATE no action;
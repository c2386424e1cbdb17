import { z } from "zod";

/** An account's retention period, in days (the database checks the same range). */
export const RETENTION_DAYS = { default: 30, min: 1, max: 90 } as const;

/** The periods Settings → Data retention offers. */
export const RETENTION_CHOICES = [1, 3, 7, 14, 30, 60, 90] as const;

/** Settings → Data retention. Any whole number of days from 1 to 90 is allowed (the API may set others). */
export const retentionSchema = z.object({
  days: z.coerce
    .number({ error: "Choose a period" })
    .int("Choose a whole number of days")
    .min(RETENTION_DAYS.min, `At least ${RETENTION_DAYS.min} day`)
    .max(RETENTION_DAYS.max, `At most ${RETENTION_DAYS.max} days`),
});
export type RetentionInput = z.input<typeof retentionSchema>;

/** "1 day", "30 days". */
export const formatDays = (days: number) => `${days} ${days === 1 ? "day" : "days"}`;

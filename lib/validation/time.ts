import { z } from "zod";

// Dates a caller may filter or page by. JavaScript reads years 0000–9999 (and ±275,760 in expanded
// form) while PostgreSQL has no year 0 — and nothing on this platform is older than 1970 — so instants
// outside 1970–9999 are refused where they come in rather than failing a query.
const EARLIEST = new Date(Date.UTC(1970, 0, 1));
const LATEST = new Date(Date.UTC(9999, 11, 31, 23, 59, 59, 999));
export const INSTANT_RANGE_MESSAGE = "Enter a date between 1970 and 9999";

/** True for a valid Date within 1970–9999. */
export const isStorableInstant = (date: Date) =>
  !Number.isNaN(date.getTime()) && date >= EARLIEST && date <= LATEST;

/** An ISO 8601 date and time with an offset (`2026-12-01T10:00:00Z`), as a Date within 1970–9999. */
export const instantSchema = z.iso
  .datetime({ offset: true, error: "Enter a date and time" })
  .transform((s) => new Date(s))
  .refine(isStorableInstant, INSTANT_RANGE_MESSAGE);

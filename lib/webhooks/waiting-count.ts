// How many events wait for a stopped integration, as its card shows it. Counting stops past the cap (an
// index walk of at most WAITING_COUNT_CAP + 1 queue rows), so the count stays cheap however many wait.
// No imports: the browser uses it too.

/** Counted exactly up to here; more shows as "10,000+". */
export const WAITING_COUNT_CAP = 10_000;

/** "1 event", "250 events", "10,000+ events" for a count made with WAITING_COUNT_CAP. */
export function waitingEventsText(count: number): string {
  if (count > WAITING_COUNT_CAP) return `${WAITING_COUNT_CAP.toLocaleString("en-US")}+ events`;
  return `${count.toLocaleString("en-US")} ${count === 1 ? "event" : "events"}`;
}

"use client";

import { useInBrowser } from "./use-in-browser";

interface LocalTimeProps {
  value: Date | string | null | undefined;
  /** How much of the date to show (Default: "medium", e.g. "Nov 25, 2026, 3:04 PM"). */
  dateStyle?: "short" | "medium";
  /** "medium" adds seconds, for logs where they matter (Default: "short"). */
  timeStyle?: "short" | "medium";
  /** Shown when there is no value (Default: "—"). */
  fallback?: string;
  className?: string;
}

/**
 * A moment in the reader's time zone. The server does not know that zone, so the server render (and
 * the hydration pass, which must match it) says the time in UTC; the browser then shows its own zone.
 */
export function LocalTime({
  value,
  dateStyle = "medium",
  timeStyle = "short",
  fallback = "—",
  className,
}: LocalTimeProps) {
  const inBrowser = useInBrowser();
  if (!value) return <>{fallback}</>;
  const date = new Date(value);
  const format = new Intl.DateTimeFormat("en-US", {
    dateStyle,
    timeStyle,
    timeZone: inBrowser ? undefined : "UTC",
  });
  return (
    <time dateTime={date.toISOString()} title={date.toISOString()} className={className}>
      {format.format(date)}
      {!inBrowser && " UTC"}
    </time>
  );
}

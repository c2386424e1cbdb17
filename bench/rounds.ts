// Figures over the bench's rounds (bench/run.ts): the median and the spread (min–max), formatted in one
// place, e.g. `12.3 ms (9.8–15.1)`.

/** The median (the mean of the middle two for an even count); NaN for none. */
export function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export interface FigureFormat {
  /** Decimal places (Default: 0). */
  digits?: number;
  /** After the median, e.g. " ms", "/s". */
  unit?: string;
}

function number(v: number, digits: number): string {
  if (Number.isNaN(v)) return "—";
  if (!Number.isFinite(v)) return "∞";
  return v.toLocaleString("en", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** `median unit (min–max)`; the spread is left out when there is one value, or all are the same. */
export function figure(values: number[], { digits = 0, unit = "" }: FigureFormat = {}): string {
  if (values.length === 0) return "—";
  const [lo, mid, hi] = [Math.min(...values), median(values), Math.max(...values)].map((v) =>
    number(v, digits),
  );
  return lo === hi ? `${mid}${unit}` : `${mid}${unit} (${lo}–${hi})`;
}

/** Milliseconds: one decimal below 100 ms, none above. */
export const ms = (values: number[]) =>
  figure(values, { digits: Math.abs(median(values)) >= 100 ? 0 : 1, unit: " ms" });

export const roundsLabel = (n: number) => `${n} round${n === 1 ? "" : "s"}`;

/** `k of N rounds`. */
export function count(flags: boolean[]): string {
  return `${flags.filter(Boolean).length} of ${roundsLabel(flags.length)}`;
}

/** a[i] / b[i] for each round. */
export function ratios(a: number[], b: number[]): number[] {
  return a.map((v, i) => v / b[i]!);
}

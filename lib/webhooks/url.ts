import type { FieldRow } from "@/lib/validation/integration-fields";

import { rowValue } from "./body";
import type { EventVariables } from "./types";

const VARIABLE_PLACEHOLDER = /^\{\{\s*([A-Za-z]+)\s*\}\}$/;

/**
 * Splits what the user typed in the URL box into the base URL and Params rows, as Postman does:
 * `?a=1&b={{contact}}` gives a Text row a=1 and a Variable row b=contact.
 */
export function splitUrl(typed: string): { base: string; params: FieldRow[] } {
  const hash = typed.indexOf("#");
  const withoutHash = hash >= 0 ? typed.slice(0, hash) : typed;
  const q = withoutHash.indexOf("?");
  if (q < 0) return { base: withoutHash, params: [] };
  const params = withoutHash
    .slice(q + 1)
    .split("&")
    .filter((pair) => pair.length > 0)
    .map((pair): FieldRow => {
      const eq = pair.indexOf("=");
      const key = decode(eq < 0 ? pair : pair.slice(0, eq));
      const value = eq < 0 ? "" : decode(pair.slice(eq + 1));
      const variable = VARIABLE_PLACEHOLDER.exec(value);
      return variable ? { key, value: variable[1]!, type: "VARIABLE" } : { key, value, type: "TEXT" };
    });
  return { base: withoutHash.slice(0, q), params };
}

function decode(part: string): string {
  try {
    return decodeURIComponent(part.replace(/\+/g, " "));
  } catch {
    return part;
  }
}

// Keeps `{{name}}` readable in the URL box instead of percent-encoding the braces.
const encodeForDisplay = (value: string) => encodeURIComponent(value).replace(/%7B%7B(\w+)%7D%7D/g, "{{$1}}");

/** The URL box's text for a base URL and Params rows (Variable rows show as `{{name}}`). */
export function joinUrl(base: string, params: FieldRow[]): string {
  if (params.length === 0) return base;
  const query = params
    .map(
      (p) =>
        `${encodeForDisplay(p.key)}=${encodeForDisplay(p.type === "VARIABLE" ? `{{${p.value}}}` : p.value)}`,
    )
    .join("&");
  return `${base}?${query}`;
}

/** The final URL: the base with each query pair appended (values resolved from the event). */
export function buildUrl(base: string, pairs: [string, string][]): string {
  const url = new URL(base);
  for (const [key, value] of pairs) url.searchParams.append(key, value);
  return url.toString();
}

export function paramPairs(params: FieldRow[], vars: EventVariables | null): [string, string][] {
  return params.map((p) => [p.key, rowValue(p, vars) ?? ""]);
}

/** The shape a value has after JSON.stringify and JSON.parse: Dates become strings. */
export type Serialized<T> = T extends Date
  ? string
  : T extends (infer U)[]
    ? Serialized<U>[]
    : T extends object
      ? { [K in keyof T]: Serialized<T[K]> }
      : T;

/** Hands server data to a client component in the same shape the JSON API returns it. */
export const serialize = <T>(value: T): Serialized<T> => JSON.parse(JSON.stringify(value)) as Serialized<T>;

/** Fetches JSON from the portal's API; throws with the API's message on an error status. */
export async function fetchJson<T>(url: string, init?: RequestInit): Promise<T> {
  const res = await fetch(url, { ...init, headers: { accept: "application/json", ...init?.headers } });
  const body: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const message = (body as { error?: { message?: string } } | null)?.error?.message;
    throw new Error(message ?? `Request failed (${res.status})`);
  }
  return body as T;
}

/** JSON text indented for reading; anything that is not JSON comes back as it was. */
export function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

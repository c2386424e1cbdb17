import type { FieldRow } from "@/lib/validation/integration-fields";

import type { EventVariables } from "./types";

type Segment = { kind: "key"; name: string } | { kind: "index"; index: number } | { kind: "append" };

const NAME = /^[A-Za-z0-9_$-]+/;

/**
 * Parses a body key in the spec's notation: dots for nesting (`customer.name`), square brackets for
 * arrays (`tags[]` appends, `items[0].id` addresses an element). Returns null when it is malformed.
 */
export function parseKeyPath(key: string): Segment[] | null {
  const segments: Segment[] = [];
  let rest = key.trim();
  const first = NAME.exec(rest);
  if (!first) return null;
  segments.push({ kind: "key", name: first[0] });
  rest = rest.slice(first[0].length);
  while (rest.length > 0) {
    if (rest.startsWith(".")) {
      const name = NAME.exec(rest.slice(1));
      if (!name) return null;
      segments.push({ kind: "key", name: name[0] });
      rest = rest.slice(1 + name[0].length);
    } else if (rest.startsWith("[]")) {
      segments.push({ kind: "append" });
      rest = rest.slice(2);
    } else {
      const index = /^\[(\d{1,4})\]/.exec(rest);
      if (!index) return null;
      segments.push({ kind: "index", index: Number(index[1]) });
      rest = rest.slice(index[0].length);
    }
  }
  return segments;
}

export const KEY_FORMAT_MESSAGE =
  "Use letters, digits, _ or -, dots for nesting (customer.name) and [] for arrays (tags[], items[0].id)";

type Json = null | string | number | boolean | Json[] | { [key: string]: Json };
type Container = Json[] | { [key: string]: Json };

const isObject = (v: unknown): v is Record<string, Json> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** The value of a row: its text, or the event's value for a Variable row (null stays null in JSON). */
export function rowValue(row: FieldRow, vars: EventVariables | null): string | null {
  if (row.type === "TEXT") return row.value;
  if (!vars) return `{{${row.value}}}`;
  return vars[row.value as keyof EventVariables] ?? null;
}

/**
 * Builds the JSON body from the Body rows. Each problem is reported against its row index, so the
 * wizard can show it on that row: a malformed key, a key given twice, or keys that conflict (`a` and
 * `a.b` both leaves, `a[]` and `a.b`). With `vars` null, Variable rows render as `{{name}}` placeholders.
 */
export function buildBody(
  rows: FieldRow[],
  vars: EventVariables | null,
): { body: Record<string, Json>; errors: Record<number, string> } {
  const root: Record<string, Json> = {};
  const errors: Record<number, string> = {};
  // Which row set each value (leaf) and which row first made each parent, so a later row that clashes
  // with one can name it.
  const leaves = new Map<string, number>();
  const parents = new Map<string, number>();
  const keyOf = (index: number) => rows[index]!.key.trim();
  // The same field set twice: the same key typed again, or another spelling of the same place.
  const sameField = (key: string, earlier: number) =>
    keyOf(earlier) === key.trim()
      ? `"${key.trim()}" is a duplicate key: it is already set in another row`
      : `"${key.trim()}" sets the same field as "${keyOf(earlier)}"`;
  const valueAndParent = (key: string, earlier: number) =>
    `"${key.trim()}" conflicts with "${keyOf(earlier)}": one field cannot be both a value and a parent`;

  rows.forEach((row, rowIndex) => {
    const path = parseKeyPath(row.key);
    if (!path) {
      errors[rowIndex] = KEY_FORMAT_MESSAGE;
      return;
    }
    let container: Container = root;
    let trail = "";
    for (let i = 0; i < path.length; i++) {
      const segment = path[i]!;
      const last = i === path.length - 1;
      const next = path[i + 1];
      const fresh = (): Json => {
        parents.set(trail, rowIndex);
        return next?.kind === "key" ? {} : [];
      };
      if (segment.kind === "key") {
        if (!isObject(container)) {
          errors[rowIndex] =
            `"${row.key}" treats ${trail || "the body"} as an object, but another field makes it a list`;
          return;
        }
        trail = trail ? `${trail}.${segment.name}` : segment.name;
        const leaf = leaves.get(trail);
        if (leaf !== undefined) {
          errors[rowIndex] = last ? sameField(row.key, leaf) : valueAndParent(row.key, leaf);
          return;
        }
        if (last) {
          if (segment.name in container) {
            errors[rowIndex] = valueAndParent(row.key, parents.get(trail)!);
            return;
          }
          container[segment.name] = rowValue(row, vars);
          leaves.set(trail, rowIndex);
        } else {
          container[segment.name] ??= fresh();
          const child: Json = container[segment.name]!;
          if (typeof child !== "object" || child === null) return;
          container = child;
        }
      } else {
        if (!Array.isArray(container)) {
          errors[rowIndex] = `"${row.key}" treats ${trail} as a list, but another field makes it an object`;
          return;
        }
        const index: number = segment.kind === "append" ? container.length : segment.index;
        if (index > container.length) {
          errors[rowIndex] = `"${row.key}" skips array positions: use [${container.length}] or []`;
          return;
        }
        trail = `${trail}[${index}]`;
        const leaf = leaves.get(trail);
        if (leaf !== undefined) {
          errors[rowIndex] = last ? sameField(row.key, leaf) : valueAndParent(row.key, leaf);
          return;
        }
        if (last) {
          if (index < container.length) {
            errors[rowIndex] = valueAndParent(row.key, parents.get(trail)!);
            return;
          }
          container.push(rowValue(row, vars));
          leaves.set(trail, rowIndex);
        } else {
          if (index === container.length) container.push(fresh());
          const child: Json = container[index]!;
          if (typeof child !== "object" || child === null) return;
          container = child;
        }
      }
    }
  });
  return { body: root, errors };
}

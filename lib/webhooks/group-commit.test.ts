import { describe, expect, it } from "vitest";

import { GroupCommit } from "./group-commit";

const tick = (ms = 5) => new Promise((r) => setTimeout(r, ms));

describe("GroupCommit", () => {
  it("batches what arrives while a batch is being written", async () => {
    const batches: number[][] = [];
    const gc = new GroupCommit<number, number>(
      async (items) => {
        batches.push(items);
        await tick();
        return items.map((i) => i * 2);
      },
      { maxInFlight: 1 },
    );
    const results = await Promise.all([1, 2, 3, 4, 5].map((i) => gc.submit(i)));
    expect(results).toEqual([2, 4, 6, 8, 10]);
    expect(batches).toEqual([[1], [2, 3, 4, 5]]);
  });

  it("keeps items with the same key in submission order across concurrent batches", async () => {
    const written: string[] = [];
    const gc = new GroupCommit<string, string>(
      async (items) => {
        await tick(Math.random() * 5);
        written.push(...items);
        return items;
      },
      { maxInFlight: 3, maxBatch: 2, key: (item) => item[0]! },
    );
    const items = ["a1", "b1", "a2", "c1", "a3", "b2", "a4", "c2"];
    await Promise.all(items.map((i) => gc.submit(i)));
    for (const k of ["a", "b", "c"]) {
      expect(written.filter((w) => w.startsWith(k))).toEqual(items.filter((i) => i.startsWith(k)));
    }
  });

  it("isolates an item whose data fails the batch, and fails everyone on other errors", async () => {
    const gc = new GroupCommit<number, number>(async (items) => {
      if (items.includes(13)) throw Object.assign(new Error("bad value"), { code: "22P02" });
      return items;
    });
    const settled = await Promise.allSettled([1, 13, 3].map((i) => gc.submit(i)));
    expect(settled.map((s) => s.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);

    const down = new GroupCommit<number, number>(async () => {
      throw Object.assign(new Error("connection lost"), { code: "57P01" });
    });
    const all = await Promise.allSettled([1, 2].map((i) => down.submit(i)));
    expect(all.map((s) => s.status)).toEqual(["rejected", "rejected"]);
  });
});

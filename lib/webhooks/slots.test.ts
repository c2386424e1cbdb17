import { describe, expect, it } from "vitest";

import { IntegrationSlots } from "./slots";

describe("IntegrationSlots", () => {
  it("start with a few, grow by one per fast answer up to the limit, halve per timeout", () => {
    const slots = new IntegrationSlots(20, 100);
    expect(slots.size("a")).toBe(8);
    for (let i = 0; i < 30; i++) {
      slots.take("a");
      slots.release("a", "fast");
    }
    expect(slots.size("a")).toBe(20);
    slots.take("a");
    slots.release("a", "slow");
    expect(slots.size("a")).toBe(20);
    for (const size of [10, 5, 2, 1, 1]) {
      slots.take("a");
      slots.release("a", "timedOut");
      expect(slots.size("a")).toBe(size);
    }
  });

  it("count what is in flight, and name the integrations with no room left", () => {
    const slots = new IntegrationSlots(2, 100);
    slots.take("a");
    expect(slots.full()).toEqual([]);
    slots.take("a");
    expect(slots.used("a")).toBe(2);
    expect(slots.room("a")).toBe(0);
    expect(slots.full()).toEqual(["a"]);
    slots.release("a", null);
    expect(slots.full()).toEqual([]);
  });

  it("let integrations that time out hold no more than half of the worker's slots together", () => {
    const slots = new IntegrationSlots(8, 10);
    const hanging = ["h1", "h2", "h3", "h4", "h5", "h6"];
    // Each has timed out once (size 4 each now).
    for (const id of hanging) {
      slots.take(id);
      slots.release(id, "timedOut");
    }
    let taken = 0;
    for (const id of hanging) {
      while (slots.room(id) > 0) {
        slots.take(id);
        taken++;
      }
    }
    expect(taken).toBe(5);
    expect(new Set(slots.full())).toEqual(new Set(hanging));
    // A healthy one still has its own.
    expect(slots.room("healthy")).toBe(8);
    // One answers fast: it leaves the timing-out pool and takes its slots with it.
    slots.release("h1", "fast");
    expect(slots.room("h2")).toBeGreaterThan(0);
  });
});

import { describe, expect, it } from "vitest";

import { count, figure, median, ms, ratios } from "./rounds";

describe("figures over rounds", () => {
  it("takes the median, the mean of the middle two for an even count", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });

  it("prints the median and the spread, or the one value", () => {
    expect(ms([15.08, 9.8, 12.3])).toBe("12.3 ms (9.8–15.1)");
    expect(figure([5_798, 5_500, 6_012], { unit: "/s" })).toBe("5,798/s (5,500–6,012)");
    expect(ms([7.2])).toBe("7.2 ms");
    expect(ms([5_079.8, 3_652.7, 6_507])).toBe("5,080 ms (3,653–6,507)");
    expect(ms([7.21, 7.24])).toBe("7.2 ms");
    expect(ms([3, Infinity, 4])).toBe("4.0 ms (3.0–∞)");
    expect(ms([])).toBe("—");
  });

  it("counts rounds and takes per-round ratios", () => {
    expect(count([true, false, true])).toBe("2 of 3 rounds");
    expect(count([true])).toBe("1 of 1 round");
    expect(ratios([6, 4], [3, 8])).toEqual([2, 0.5]);
  });
});

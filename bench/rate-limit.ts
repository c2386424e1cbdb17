// `npx tsx bench/rate-limit.ts [rounds=5]`: what the shared rate limit (lib/api/rate-limit.ts) costs per
// request, in each store, beside an in-process counter (rate-limiter-flexible's memory store, what a
// limit held in one process costs). The stores take turns within each round (ABC ABC …), and the
// figures are the medians over the rounds with their range. Against the local PostgreSQL (a throwaway
// database on the server of DATABASE_URL) and Redis at 127.0.0.1:6379 (REDIS_URL to change it).
import { randomUUID } from "node:crypto";

import { Redis } from "ioredis";
import { RateLimiterMemory } from "rate-limiter-flexible";

import { closeDb } from "@/db";
import { migrateDatabase } from "@/db/migrate";
import { createTestDatabase } from "@/db/test-database";
import { SharedLimiter, sharedLimiter } from "@/lib/api/rate-limit";

import { ensureLocalSecrets } from "../scripts/lib/local-env";

const ROUNDS = Number(process.argv[2] ?? 5);
const SEQUENTIAL = 2_000;
const CONCURRENT = 10_000;
const IN_FLIGHT = 64;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const range = (xs: number[]) => `${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)}`;

async function measure(limiter: SharedLimiter) {
  // Many keys (as many API keys), a limit never reached: every request is counted and allowed.
  const keys = Array.from({ length: 100 }, () => randomUUID());
  const lat: number[] = [];
  for (let i = 0; i < SEQUENTIAL; i++) {
    const t = performance.now();
    await limiter.take(keys[i % keys.length]!);
    lat.push((performance.now() - t) * 1000);
  }
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < CONCURRENT) await limiter.take(keys[next++ % keys.length]!);
    }),
  );
  return { p50Us: median(lat), perSecond: CONCURRENT / ((performance.now() - t0) / 1000) };
}

async function main() {
  ensureLocalSecrets();
  const database = await createTestDatabase(process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432");
  process.env.DATABASE_URL = database.url;
  await migrateDatabase(database.url);
  const redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
  const limit = { points: 1_000_000, durationSeconds: 60 };
  const stores: Record<string, () => SharedLimiter> = {
    "in-process (memory)": () => new SharedLimiter(new RateLimiterMemory({ ...limit, duration: 60 })),
    PostgreSQL: () => sharedLimiter({ name: `bench_${randomUUID().slice(0, 8)}`, ...limit }, null),
    Redis: () => sharedLimiter({ name: `bench_${randomUUID().slice(0, 8)}`, ...limit }, redis),
  };
  const results: Record<string, { p50Us: number[]; perSecond: number[] }> = {};
  try {
    for (let round = 1; round <= ROUNDS; round++) {
      for (const [name, make] of Object.entries(stores)) {
        const r = await measure(make());
        (results[name] ??= { p50Us: [], perSecond: [] }).p50Us.push(r.p50Us);
        results[name].perSecond.push(r.perSecond);
        console.log(`round ${round} ${name}: p50 ${r.p50Us.toFixed(0)} µs, ${r.perSecond.toFixed(0)}/s`);
      }
    }
    console.log(`\n| store | one request alone, p50 (µs) | requests/s with ${IN_FLIGHT} in flight |`);
    console.log("| --- | --- | --- |");
    for (const [name, r] of Object.entries(results))
      console.log(
        `| ${name} | ${median(r.p50Us).toFixed(0)} (${range(r.p50Us)}) | ${median(r.perSecond).toFixed(0)} (${range(r.perSecond)}) |`,
      );
    console.log(`\nmedians of ${ROUNDS} rounds (range in brackets)`);
  } finally {
    redis.disconnect();
    await closeDb();
    await database.drop();
  }
}

void main();

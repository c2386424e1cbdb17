// The reads the portal and the API make, through the app's own functions (so the benchmark measures the
// real queries). Each read is `{ name, prepare(i), run(state) }`: `prepare` picks the i-th run's
// parameters (different busy integrations, cursors, contacts…) and does any untimed walking (the cursor
// of page 2 or 50); `run` is what is timed and returns how many rows it got. Run 0 is the first pass;
// 1…N the varied runs. When a function's signature changes, only its entry here changes.
import { Client } from "pg";

import { GET as apiChats } from "@/app/api/v1/integrations/[integrationId]/chats/route";
import { GET as apiDeliveries } from "@/app/api/v1/integrations/[integrationId]/deliveries/route";
import { createApiKey } from "@/lib/data/api-keys";
import { campaignReport } from "@/lib/data/campaigns";
import { getChatThread, listChats } from "@/lib/data/chats";
import { deliveryStats, getDelivery, listDeliveries, type DeliveryFilter } from "@/lib/data/deliveries";

import { ms, summarize, table, type Summary } from "./stats";

export interface Read<S = unknown> {
  name: string;
  prepare: (i: number) => Promise<S> | S;
  run: (state: S) => Promise<number>;
}

interface Integration {
  id: string;
  accountId: string;
}

/** What the reads pick their parameters from, sampled from the database. */
export interface Sample {
  busy: Integration[];
  /** Busy integrations with queued (PENDING / RETRYING) deliveries: their receivers are down. */
  busyDown: Integration[];
  quiet: Integration[];
  /** Contacts of chats of busy integrations. */
  contacts: (Integration & { contact: string })[];
  deliveries: { id: string; accountId: string }[];
  chats: { id: string; accountId: string }[];
  campaigns: { id: string; accountId: string }[];
  /** One API key per busy integration's account. */
  keys: Map<string, string>;
}

export async function sample(url: string, runs: number): Promise<Sample> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    const busy = (
      await c.query<Integration>(
        `SELECT id, account_id AS "accountId" FROM integrations WHERE alias LIKE 'Busy hook %' ORDER BY alias`,
      )
    ).rows;
    const busyDown = (
      await c.query<Integration>(
        `SELECT id, account_id AS "accountId" FROM integrations i WHERE alias LIKE 'Busy hook %'
           AND EXISTS (SELECT 1 FROM delivery_queue q WHERE q.integration_id = i.id) ORDER BY alias`,
      )
    ).rows;
    const quiet = (
      await c.query<Integration>(
        `SELECT i.id, i.account_id AS "accountId" FROM integrations i
         WHERE i.alias NOT LIKE 'Busy hook %' AND EXISTS (SELECT 1 FROM integration_connections ic WHERE ic.integration_id = i.id)
         ORDER BY md5(i.id::text) LIMIT $1`,
        [runs + 1],
      )
    ).rows;
    const contacts = (
      await c.query<Integration & { contact: string }>(
        `SELECT x.integration_id AS id, x.account_id AS "accountId", x.contact FROM unnest($1::uuid[]) AS b(id)
         CROSS JOIN LATERAL (SELECT integration_id, account_id, contact FROM chats
                             WHERE integration_id = b.id AND status = 'CLOSED' LIMIT 3) x`,
        [busy.map((b) => b.id)],
      )
    ).rows;
    const deliveries = (
      await c.query<{ id: string; accountId: string }>(
        `SELECT d.id, d.account_id AS "accountId" FROM unnest($1::uuid[]) AS b(id)
         CROSS JOIN LATERAL (SELECT id, account_id FROM deliveries WHERE integration_id = b.id
                             AND created_at > now() - interval '20 days' AND attempts > 1 LIMIT 3) d`,
        [busy.map((b) => b.id)],
      )
    ).rows;
    const chats = (
      await c.query<{ id: string; accountId: string }>(
        `SELECT x.id, x.account_id AS "accountId" FROM unnest($1::uuid[]) AS b(id)
         CROSS JOIN LATERAL (SELECT id, account_id FROM chats WHERE integration_id = b.id LIMIT 3) x`,
        [busy.map((b) => b.id)],
      )
    ).rows;
    const campaigns = (
      await c.query<{ id: string; accountId: string }>(
        `SELECT id, account_id AS "accountId" FROM campaigns ORDER BY name LIMIT $1`,
        [runs + 1],
      )
    ).rows;
    const keys = new Map<string, string>();
    for (const b of busy)
      if (!keys.has(b.accountId)) keys.set(b.accountId, (await createApiKey(b.accountId, "bench:scale")).key);
    return {
      busy,
      busyDown: busyDown.length ? busyDown : busy,
      quiet,
      contacts,
      deliveries,
      chats,
      campaigns,
      keys,
    };
  } finally {
    await c.end();
  }
}

const pick = <T>(list: T[], i: number): T => {
  if (list.length === 0) throw new Error("nothing to pick from");
  return list[i % list.length]!;
};

/** Follows nextCursor `pages - 1` times (untimed), returning the cursor of page `pages`. */
type Cursor = NonNullable<DeliveryFilter["cursor"]>;
/** How long walking to a deep page may take before the read is given up (at full size, before the reads
 *  were built for volume, page 50 was 49 × 20 s away). */
export const WALK_LIMIT_MS = 60_000;
async function cursorOf(
  accountId: string,
  filter: DeliveryFilter,
  pages: number,
): Promise<Cursor | undefined> {
  let cursor: Cursor | undefined;
  const started = performance.now();
  for (let p = 1; p < pages; p++) {
    if (performance.now() - started > WALK_LIMIT_MS)
      throw new Error(`walking to page ${pages} took over ${WALK_LIMIT_MS / 1000} s (reached page ${p})`);
    const page = await listDeliveries(accountId, { ...filter, cursor });
    if (page.nextCursor === null) return cursor;
    cursor = page.nextCursor;
  }
  return cursor;
}

const routeContext = (integrationId: string) => ({ params: Promise.resolve({ integrationId }) });

async function callRoute(
  handler: (req: Request, ctx: ReturnType<typeof routeContext>) => Promise<Response>,
  what: "deliveries" | "chats",
  integration: Integration,
  key: string,
): Promise<number> {
  const req = new Request(`http://127.0.0.1/api/v1/integrations/${integration.id}/${what}`, {
    headers: { authorization: `Bearer ${key}` },
  });
  const res = await handler(req, routeContext(integration.id));
  const body = (await res.json()) as Record<string, unknown[] | undefined>;
  if (res.status !== 200) throw new Error(`GET …/${what}: ${res.status} ${JSON.stringify(body)}`);
  return body[what]?.length ?? 0;
}

const days = (n: number) => n * 86_400_000;

export function reads(s: Sample): Read[] {
  const busy = (i: number) => pick(s.busy, i);
  const list = (
    name: string,
    filter: (i: number) => Omit<DeliveryFilter, "integrationId">,
    pages = 1,
    who: (i: number) => Integration = busy,
  ): Read<{ b: Integration; f: DeliveryFilter }> => ({
    name,
    prepare: async (i) => {
      const b = who(i);
      const f: DeliveryFilter = { integrationId: b.id, ...filter(i) };
      return { b, f: { ...f, cursor: pages > 1 ? await cursorOf(b.accountId, f, pages) : undefined } };
    },
    run: async ({ b, f }) => (await listDeliveries(b.accountId, f)).deliveries.length,
  });
  const reads: Read<never>[] = [
    list("Deliveries newest page (busy)", () => ({})),
    list(
      "Deliveries newest page (quiet)",
      () => ({}),
      1,
      (i) => pick(s.quiet, i),
    ),
    list("status=FAILED page 1", () => ({ status: "FAILED" })),
    list("status=FAILED page 2", () => ({ status: "FAILED" }), 2),
    list("status=SUCCEEDED", () => ({ status: "SUCCEEDED" })),
    list(
      "status=RETRYING (receiver down)",
      () => ({ status: "RETRYING" }),
      1,
      (i) => pick(s.busyDown, i),
    ),
    list(
      "status=PENDING (receiver down)",
      () => ({ status: "PENDING" }),
      1,
      (i) => pick(s.busyDown, i),
    ),
    list("event=END", () => ({ event: "END" })),
    {
      name: "contact filter",
      prepare: (i: number) => pick(s.contacts, i),
      run: async (c: Integration & { contact: string }) =>
        (await listDeliveries(c.accountId, { integrationId: c.id, contact: c.contact })).deliveries.length,
    },
    list("Load more → page 50", () => ({}), 50),
    // The last 7 days; the varied runs slide the window back a day at a time.
    list("last 7 days (from/to)", (i) => {
      const to = new Date(Date.now() - days(i % 23));
      return { from: new Date(to.getTime() - days(7)), to };
    }),
    {
      name: "delivery detail (getDelivery)",
      prepare: (i: number) => pick(s.deliveries, i),
      run: async (d: { id: string; accountId: string }) => {
        const found = await getDelivery(d.accountId, d.id);
        if (!found) throw new Error(`delivery ${d.id} not found`);
        return found.attempts.length;
      },
    },
    {
      name: "chart (deliveryStats, 60 min)",
      prepare: (i: number) => busy(i),
      run: async (b: Integration) => (await deliveryStats(b.accountId, b.id)).length,
    },
    {
      name: "GET /api/v1/…/deliveries (busy)",
      prepare: (i: number) => busy(i),
      run: (b: Integration) => callRoute(apiDeliveries, "deliveries", b, s.keys.get(b.accountId)!),
    },
    {
      name: "GET /api/v1/…/chats (busy)",
      prepare: (i: number) => busy(i),
      run: (b: Integration) => callRoute(apiChats, "chats", b, s.keys.get(b.accountId)!),
    },
    {
      name: "Chats inbox (listChats) page 1",
      prepare: (i: number) => busy(i).accountId,
      run: async (accountId: string) => (await listChats(accountId)).chats.length,
    },
    {
      name: "Chats inbox page 5",
      prepare: async (i: number) => {
        const accountId = busy(i).accountId;
        let cursor: string | undefined;
        for (let p = 1; p < 5; p++) cursor = (await listChats(accountId, { cursor })).nextCursor ?? cursor;
        return { accountId, cursor };
      },
      run: async ({ accountId, cursor }: { accountId: string; cursor?: string }) =>
        (await listChats(accountId, { cursor })).chats.length,
    },
    {
      name: "chat thread (getChatThread)",
      prepare: (i: number) => pick(s.chats, i),
      run: async (c: { id: string; accountId: string }) => {
        const thread = await getChatThread(c.accountId, c.id);
        if (!thread) throw new Error(`chat ${c.id} not found`);
        return thread.messages.length + thread.deliveries.length;
      },
    },
    ...(s.campaigns.length
      ? [
          {
            name: "campaign report (campaignReport)",
            prepare: (i: number) => pick(s.campaigns, i),
            run: async (c: { id: string; accountId: string }) => {
              const r = await campaignReport(c.accountId, c.id);
              return r.deliveriesSucceeded + r.deliveriesWaiting + r.deliveriesFailed + r.deliveriesSkipped;
            },
          },
        ]
      : []),
  ] as unknown as Read<never>[];
  return reads as unknown as Read[];
}

export interface ReadResult extends Summary {
  name: string;
  firstMs: number;
  firstRows: number;
  error?: string;
}

/** Runs each read: a first pass, then up to `runs` varied runs within `budgetMs` (at least 3). */
export async function runReads(list: Read[], runs: number, budgetMs: number, log = console.log) {
  const results: ReadResult[] = [];
  for (const read of list) {
    try {
      const start = performance.now();
      const first = await read.prepare(0);
      const t0 = performance.now();
      const firstRows = await read.run(first);
      const firstMs = performance.now() - t0;
      const times: number[] = [];
      for (let i = 1; i <= runs; i++) {
        if (i > 3 && performance.now() - start > budgetMs) break;
        const state = await read.prepare(i);
        const t = performance.now();
        await read.run(state);
        times.push(performance.now() - t);
      }
      const r = { name: read.name, firstMs, firstRows, ...summarize(times) };
      results.push(r);
      log(
        `    ${read.name.padEnd(34)} first ${ms(firstMs).padStart(9)} (${firstRows} rows)  p50 ${ms(r.p50).padStart(9)}  p95 ${ms(r.p95).padStart(9)}  max ${ms(r.max).padStart(9)}  n=${r.n}`,
      );
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      results.push({ name: read.name, firstMs: NaN, firstRows: 0, ...summarize([]), error: message });
      log(`    ${read.name.padEnd(34)} FAILED: ${message}`);
    }
  }
  return results;
}

export function readsTable(results: ReadResult[]): string {
  return table(
    ["read", "first pass", "p50", "p95", "max", "runs", "rows (first)"],
    results.map((r) =>
      r.error
        ? [r.name, "error", r.error.slice(0, 60), "", "", "", ""]
        : [r.name, ms(r.firstMs), ms(r.p50), ms(r.p95), ms(r.max), String(r.n), String(r.firstRows)],
    ),
  );
}

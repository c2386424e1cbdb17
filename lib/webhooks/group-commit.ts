/**
 * Group commit: callers submit one item each and get its own result, while the items that arrive
 * together are written by one transaction (one fsync). While `maxInFlight` batches are being written,
 * new items wait and form the next batch, so an idle system adds no delay and a busy one batches more.
 */
export class GroupCommit<I, O> {
  private queue: { item: I; resolve: (value: O) => void; reject: (err: unknown) => void }[] = [];
  private inFlight = 0;

  constructor(
    /** Writes a batch; returns one result per item, an Error for an item that failed on its own. */
    private readonly write: (items: I[]) => Promise<(O | Error)[]>,
    private readonly options: {
      /** Most items in one transaction (Default: 500). */
      maxBatch?: number;
      /** Batches written at once (Default: 2, so one commits while the next is written). */
      maxInFlight?: number;
      /**
       * Items with the same key are written in submission order: one is never put in a batch while
       * an earlier one with its key is still being written by another (e.g. the messages of a chat).
       */
      key?: (item: I) => string;
    } = {},
  ) {}

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.pump();
    });
  }

  /** Items waiting for a batch. */
  get waiting(): number {
    return this.queue.length;
  }

  private pump(): void {
    while (this.queue.length > 0 && this.inFlight < (this.options.maxInFlight ?? 2)) {
      const batch = this.takeBatch();
      if (batch.length === 0) return; // everything waiting is behind a batch in flight
      const keys = this.options.key ? batch.map((entry) => this.options.key!(entry.item)) : [];
      for (const k of keys) this.inFlightKeys.set(k, (this.inFlightKeys.get(k) ?? 0) + 1);
      this.inFlight++;
      void this.flush(batch).finally(() => {
        this.inFlight--;
        for (const k of keys) {
          const left = this.inFlightKeys.get(k)! - 1;
          if (left === 0) this.inFlightKeys.delete(k);
          else this.inFlightKeys.set(k, left);
        }
        this.pump();
      });
    }
  }

  private readonly inFlightKeys = new Map<string, number>();

  private takeBatch(): typeof this.queue {
    const max = this.options.maxBatch ?? 500;
    const key = this.options.key;
    if (!key) return this.queue.splice(0, max);
    const batch: typeof this.queue = [];
    const rest: typeof this.queue = [];
    const blocked = new Set<string>();
    for (const entry of this.queue) {
      const k = key(entry.item);
      if (batch.length < max && !blocked.has(k) && !this.inFlightKeys.has(k)) {
        batch.push(entry);
      } else {
        rest.push(entry);
        blocked.add(k);
      }
    }
    this.queue = rest;
    return batch;
  }

  private async flush(batch: typeof this.queue): Promise<void> {
    let results: (O | Error)[];
    try {
      results = await this.write(batch.map((entry) => entry.item));
    } catch (err) {
      if (batch.length === 1 || !isItemError(err)) {
        for (const entry of batch) entry.reject(err);
        return;
      }
      // One bad item must not fail its neighbours: write each alone to find out which one it was.
      results = await Promise.all(
        batch.map((entry) =>
          this.write([entry.item]).then(
            ([result]) => result!,
            (e: unknown) => (e instanceof Error ? e : new Error(String(e))),
          ),
        ),
      );
    }
    batch.forEach((entry, i) => {
      const result = results[i];
      if (result instanceof Error) entry.reject(result);
      else entry.resolve(result as O);
    });
  }
}

// Data and constraint errors (SQLSTATE classes 22 and 23) come from one item's content: the batch
// rolled back, so each item can be written alone. Anything else (a lost connection, say) may even have
// committed, so it is reported to every caller rather than risk writing an item twice.
function isItemError(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return typeof code === "string" && /^2[23]/.test(code);
}

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
      const batch = this.queue.splice(0, this.options.maxBatch ?? 500);
      this.inFlight++;
      void this.flush(batch).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
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

// A worker's request slots per integration, sized adaptively (additive increase, multiplicative
// decrease, as TCP sizes its window): an integration starts with a few requests in flight, gains one
// more for each answer that came back quickly, and loses half of them for each request that timed out
// (or was answered 429).
// A receiver that hangs therefore ends up holding one slot of each worker, however many events it has,
// and no number of slow receivers can take the slots a healthy one needs; one that answers fast grows
// to the full per-integration limit within a few dozen requests. And the integrations whose last request
// timed out hold at most half of the worker's slots between them, so even a thousand hanging receivers
// leave the other half to the ones that answer. The sizes are each worker's own (a restart starts them
// afresh): what they protect is that worker's slots.

/** How a request went, for the slots' sizing. */
export type SlotOutcome = "fast" | "slow" | "timedOut" | "throttled";

// Slots an integration starts with (or the limit, when lower).
const INITIAL_SLOTS = 8;
// An answer slower than this does not earn another slot.
export const FAST_ANSWER_MS = 1_000;

export class IntegrationSlots {
  private readonly inFlight = new Map<string, number>();
  private readonly sizes = new Map<string, number>();
  // Integrations whose last request timed out, and the slots they hold together.
  private readonly timingOut = new Set<string>();
  private heldByTimingOut = 0;

  /**
   * `limit`: the most one integration may ever have in flight at once in this worker; `concurrency`:
   * the worker's slots.
   */
  constructor(
    private readonly limit: number,
    private readonly concurrency: number,
  ) {}

  /** The requests `integrationId` may have in flight now. */
  size(integrationId: string): number {
    return this.sizes.get(integrationId) ?? Math.min(INITIAL_SLOTS, this.limit);
  }

  /** Requests in flight to `integrationId`. */
  used(integrationId: string): number {
    return this.inFlight.get(integrationId) ?? 0;
  }

  /** How many more requests `integrationId` may start now. */
  room(integrationId: string): number {
    const own = this.size(integrationId) - this.used(integrationId);
    if (!this.timingOut.has(integrationId)) return own;
    return Math.min(own, Math.floor(this.concurrency / 2) - this.heldByTimingOut);
  }

  /** The room of every integration this worker knows something about; any other has `default`. */
  rooms(): { ids: string[]; rooms: number[]; default: number } {
    const ids = [...new Set([...this.inFlight.keys(), ...this.sizes.keys(), ...this.timingOut])];
    return {
      ids,
      rooms: ids.map((id) => Math.max(0, this.room(id))),
      default: Math.min(INITIAL_SLOTS, this.limit),
    };
  }

  /** The integrations that may start no more requests now (the claim leaves them out). */
  full(): string[] {
    const full = [...this.inFlight.keys()].filter((id) => this.room(id) <= 0);
    for (const id of this.timingOut) if (!this.inFlight.has(id) && this.room(id) <= 0) full.push(id);
    return full;
  }

  take(integrationId: string): void {
    this.inFlight.set(integrationId, this.used(integrationId) + 1);
    if (this.timingOut.has(integrationId)) this.heldByTimingOut++;
  }

  /** A request is over: its slot is free again, and the integration's size follows how it went. */
  release(integrationId: string, outcome: SlotOutcome | null): void {
    const left = this.used(integrationId) - 1;
    if (left <= 0) this.inFlight.delete(integrationId);
    else this.inFlight.set(integrationId, left);
    if (this.timingOut.has(integrationId)) this.heldByTimingOut--;
    const size = this.size(integrationId);
    if (outcome === "fast") {
      this.resize(integrationId, Math.min(this.limit, size + 1));
      this.setTimingOut(integrationId, false);
    }
    if (outcome === "timedOut" || outcome === "throttled")
      this.resize(integrationId, Math.max(1, Math.floor(size / 2)));
    if (outcome === "timedOut") this.setTimingOut(integrationId, true);
  }

  private setTimingOut(integrationId: string, timingOut: boolean): void {
    if (this.timingOut.has(integrationId) === timingOut) return;
    // Its requests still in flight move with it.
    const held = this.used(integrationId);
    if (timingOut) {
      if (this.timingOut.size > 10_000) return; // bounded memory; it still shrinks
      this.timingOut.add(integrationId);
      this.heldByTimingOut += held;
    } else {
      this.timingOut.delete(integrationId);
      this.heldByTimingOut -= held;
    }
  }

  private resize(integrationId: string, size: number): void {
    // Bounded memory: a size that forgets is only a fresh start.
    if (this.sizes.size > 10_000 && !this.sizes.has(integrationId)) this.sizes.clear();
    this.sizes.set(integrationId, size);
  }
}

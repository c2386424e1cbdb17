// The simulator: a channel without a network. Inbound is the plain JSON the portal's simulator posts
// (behind the user's session, so it carries no signature); outbound sends are only recorded.
import { randomUUID } from "node:crypto";

import { inboundMessageSchema } from "@/lib/validation/inbound";

import { invalidOutbound, received, reply } from "./http";
import type { ChannelAdapter, OutboundMessage, SendResult } from "./types";

export interface SimulatedSend {
  connectionId: string;
  externalId: string;
  message: OutboundMessage;
  at: Date;
}

// The last sends of this process, newest last, for tests and debugging. The chat thread itself shows
// replies from the messages table, which the sender writes whatever the channel.
const RECENT_LIMIT = 200;
const recent: SimulatedSend[] = [];

/** What the simulator "sent" lately (this process only), optionally for one connection. */
export function simulatedSends(connectionId?: string): SimulatedSend[] {
  return recent.filter((s) => connectionId === undefined || s.connectionId === connectionId);
}

export function createSimulatorAdapter(connectionId: string): ChannelAdapter {
  return {
    provider: "SIMULATOR",
    // Only session-checked server code hands requests to the simulator; there is nothing to verify.
    verifySignature: () => true,

    async receive(request) {
      let json: unknown;
      try {
        json = JSON.parse(request.body);
      } catch {
        return { kind: "rejected", reason: "The body is not JSON", reply: reply(400, "Bad Request") };
      }
      const parsed = inboundMessageSchema.safeParse(json);
      if (!parsed.success) {
        const reason = parsed.error.issues[0]?.message ?? "Invalid message";
        return { kind: "rejected", reason, reply: reply(400, reason) };
      }
      const { from, text, multimedia } = parsed.data;
      const message = {
        from,
        ...(text ? { text } : {}),
        ...(multimedia ? { multimedia } : {}),
        externalId: `SIM${randomUUID().replaceAll("-", "")}`,
      };
      return received([message], reply(200, "OK"), "");
    },

    async send(message): Promise<SendResult> {
      const invalid = invalidOutbound(message, 4096);
      if (invalid) return { ok: false, error: invalid };
      const externalId = `SIM${randomUUID().replaceAll("-", "")}`;
      recent.push({ connectionId, externalId, message, at: new Date() });
      if (recent.length > RECENT_LIMIT) recent.splice(0, recent.length - RECENT_LIMIT);
      return { ok: true, externalId };
    },
  };
}

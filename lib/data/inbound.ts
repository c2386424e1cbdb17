import { describeError } from "@/lib/errors";
import { log } from "@/lib/log";
import { normaliseCode } from "@/lib/validation/connection";
import { ingestInbound, type InboundMessage } from "@/lib/webhooks/ingest";

import { autoReplyToKeyword } from "./keyword-replies";

/**
 * Every inbound path — provider webhooks, the sandbox route, the simulator — comes through here: the
 * message, its chat and its MESSAGE delivery are stored durably first (ingestInbound); then a Live
 * keyword on the connection is answered. The auto-reply talks to the channel provider, so it runs after
 * the caller has its answer and never delays or fails the inbound request.
 */
export async function receiveMessage(message: InboundMessage & { accountId: string }) {
  const accepted = await ingestInbound(message);
  // A provider's retry of a message already received was answered the first time.
  if (message.text && accepted.liveKeywords && !accepted.duplicate) {
    const chat = {
      id: accepted.chatId,
      connectionId: message.connectionId,
      contact: normaliseCode(message.from.trim()),
    };
    void autoReplyToKeyword(message.accountId, chat, message.text).catch((err: unknown) =>
      log().error({ err: describeError(err), chatId: accepted.chatId }, "keyword auto-reply failed"),
    );
  }
  return accepted;
}

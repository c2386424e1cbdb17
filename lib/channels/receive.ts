import { receiveMessage } from "@/lib/data/inbound";

import type { IngestInbound } from "./webhook";

/** What provider webhooks do with the messages they carry: receive them in order, like every inbound path. */
export const ingestFromProvider: IngestInbound = async (connection, messages) => {
  for (const m of messages) {
    await receiveMessage({
      accountId: connection.accountId,
      connectionId: connection.id,
      from: m.from,
      text: m.text,
      multimedia: m.multimedia && { url: m.multimedia.url, caption: m.multimedia.caption },
      externalId: m.externalId,
    });
  }
};

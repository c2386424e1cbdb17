import type { Metadata } from "next";

import { PageHeader } from "@/components/ui/card";
import { requireSession } from "@/lib/auth";
import { getChatThread, listChats } from "@/lib/data/chats";
import { listConnections } from "@/lib/data/connections";
import { serialize } from "@/lib/json";
import { connectionLabel } from "@/lib/validation/connection";
import { isUuid } from "@/lib/validation/ids";

import { ChatsClient } from "./chats-client";

export const metadata: Metadata = { title: "Chats" };

export default async function ChatsPage({
  searchParams,
}: {
  searchParams: Promise<{ chat?: string; status?: string }>;
}) {
  const { accountId } = await requireSession();
  const { chat, status } = await searchParams;
  const selectedId = isUuid(chat) ? chat : null;
  const filter = status === "OPEN" || status === "CLOSED" ? status : "ALL";
  const [chats, thread, connections] = await Promise.all([
    listChats(accountId, { status: filter === "ALL" ? undefined : filter }),
    selectedId ? getChatThread(accountId, selectedId) : null,
    listConnections(accountId),
  ]);
  return (
    <>
      <PageHeader
        title="Chats"
        description="Conversations your contacts start on your connections, with the delivery of each event."
      />
      <ChatsClient
        connections={connections.map((c) => ({ id: c.id, label: connectionLabel(c) }))}
        initialChats={serialize(chats)}
        initialFilter={filter}
        selectedId={selectedId}
        initialThread={thread ? serialize(thread) : null}
      />
    </>
  );
}

import type { Metadata } from "next";

import { Inbox } from "@/components/chats/inbox";
import { PageHeader } from "@/components/ui/card";
import { requireSession } from "@/lib/auth";
import { getChatThread, listChats } from "@/lib/data/chats";
import { serialize } from "@/lib/json";
import { isUuid } from "@/lib/validation/ids";

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
  const [chats, thread] = await Promise.all([
    listChats(accountId, { status: filter === "ALL" ? undefined : filter }),
    selectedId ? getChatThread(accountId, selectedId) : null,
  ]);
  return (
    <>
      <PageHeader
        title="Chats"
        description="Conversations your contacts start on your connections, with the delivery of each event."
      />
      <Inbox
        initialChats={serialize(chats)}
        initialFilter={filter}
        selectedId={selectedId}
        initialThread={thread ? serialize(thread) : null}
      />
    </>
  );
}

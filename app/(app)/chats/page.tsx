import { MessagesSquare } from "lucide-react";
import type { Metadata } from "next";

import { EmptyState, PageHeader } from "@/components/ui/card";

export const metadata: Metadata = { title: "Chats" };

export default function ChatsPage() {
  return (
    <>
      <PageHeader title="Chats" description="Conversations that your contacts start on your connections." />
      <EmptyState icon={<MessagesSquare className="size-8" aria-hidden />} title="No chats yet">
        Chats appear here when a contact writes to one of your connections. The inbox and the end-user
        simulator are not built yet.
      </EmptyState>
    </>
  );
}

"use client";

import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { type ReactNode } from "react";

import { Button } from "@/components/ui/button";
import { Badge, Card } from "@/components/ui/card";
import { ChannelIcon } from "@/components/ui/channel";
import { cn } from "@/components/ui/cn";
import { FormMessage } from "@/components/ui/field";
import { LocalTime } from "@/components/ui/local-time";
import type { ChatThread, listChats } from "@/lib/data/chats";
import { fetchJson, type Serialized } from "@/lib/json";
import { CHANNEL_LABEL, connectionLabel } from "@/lib/validation/connection";

import { DeliveryBadge } from "./delivery-badge";

type ChatPage = Serialized<Awaited<ReturnType<typeof listChats>>>;
type Thread = Serialized<ChatThread>;
export type ChatStatusFilter = "ALL" | "OPEN" | "CLOSED";

const FILTER_LABEL: Record<ChatStatusFilter, string> = { ALL: "All", OPEN: "Open", CLOSED: "Closed" };

/** The inbox's address: the filter and the selected chat live in the URL, so reloads and links keep them. */
function inboxUrl(filter: ChatStatusFilter, chatId: string | null) {
  const params = new URLSearchParams();
  if (filter !== "ALL") params.set("status", filter);
  if (chatId) params.set("chat", chatId);
  const query = params.toString();
  return query ? `/chats?${query}` : "/chats";
}

function chatsUrl(filter: ChatStatusFilter, cursor: string | null) {
  const params = new URLSearchParams();
  if (filter !== "ALL") params.set("status", filter);
  if (cursor) params.set("cursor", cursor);
  const query = params.toString();
  return query ? `/api/portal/chats?${query}` : "/api/portal/chats";
}

interface InboxProps {
  /** The first page of chats for `initialFilter`, rendered on the server. */
  initialChats: ChatPage;
  initialFilter: ChatStatusFilter;
  selectedId: string | null;
  initialThread: Thread | null;
  /** Shown under the thread (the Close chat action); gets the selected thread. */
  threadActions?: (thread: Thread) => ReactNode;
  /** Shown beside the list (the simulator). */
  aside?: ReactNode;
}

/** The Chats inbox: the account's chats on the left, the selected thread on the right, both kept live. */
export function Inbox({
  initialChats,
  initialFilter,
  selectedId,
  initialThread,
  threadActions,
  aside,
}: InboxProps) {
  // The URL is the filter's one home: replaceState below updates it, Back and Forward restore it.
  const status = useSearchParams().get("status");
  const filter: ChatStatusFilter = status === "OPEN" || status === "CLOSED" ? status : "ALL";
  const chats = useInfiniteQuery({
    queryKey: ["chats", filter],
    queryFn: ({ pageParam }) => fetchJson<ChatPage>(chatsUrl(filter, pageParam)),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    initialData: filter === initialFilter ? { pages: [initialChats], pageParams: [null] } : undefined,
    refetchInterval: 3_000,
  });
  const thread = useQuery({
    queryKey: ["chat", selectedId],
    queryFn: () => fetchJson<Thread>(`/api/portal/chats/${selectedId}`),
    initialData: initialThread ?? undefined,
    enabled: !!selectedId,
    refetchInterval: 2_000,
  });

  // Next.js keeps useSearchParams in step with replaceState, without a server round trip.
  const chooseFilter = (next: ChatStatusFilter) =>
    window.history.replaceState(null, "", inboxUrl(next, selectedId));
  // A chat can move between pages while they are fetched; show it once.
  const list = [...new Map(chats.data?.pages.flatMap((p) => p.chats).map((c) => [c.id, c])).values()];

  return (
    <div className="grid gap-6 lg:grid-cols-[20rem_minmax(0,1fr)] xl:grid-cols-[22rem_minmax(0,1fr)]">
      <div className="grid content-start gap-6">
        <Card>
          <div className="flex gap-1 border-b border-slate-200 p-2" role="group" aria-label="Filter chats">
            {(["ALL", "OPEN", "CLOSED"] as const).map((f) => (
              <button
                key={f}
                type="button"
                aria-pressed={filter === f}
                onClick={() => chooseFilter(f)}
                className={cn(
                  "rounded-md px-3 py-1 text-sm font-medium",
                  filter === f ? "bg-brand-50 text-brand-800" : "text-slate-600 hover:bg-slate-100",
                )}
              >
                {FILTER_LABEL[f]}
              </button>
            ))}
          </div>
          {chats.isError && (
            <div className="p-3">
              <FormMessage>
                Could not load the chats: {chats.error.message}.{" "}
                {list.length > 0 && "Showing the last ones loaded. "}Retrying…
              </FormMessage>
            </div>
          )}
          {list.length > 0 ? (
            <ul aria-label="Chats" className="max-h-[28rem] divide-y divide-slate-100 overflow-y-auto">
              {list.map((c) => (
                <li key={c.id}>
                  <Link
                    href={inboxUrl(filter, c.id)}
                    aria-current={c.id === selectedId ? "true" : undefined}
                    className={cn(
                      "block px-3 py-2.5 hover:bg-slate-50",
                      c.id === selectedId && "bg-brand-50",
                    )}
                  >
                    <span className="flex items-center justify-between gap-2">
                      <span className="flex items-center gap-1.5 font-medium">
                        <ChannelIcon channel={c.channel} className="size-3.5 text-slate-500" />
                        {c.contact}
                      </span>
                      <LocalTime
                        value={c.lastMessageAt}
                        dateStyle="short"
                        className="text-xs text-slate-600"
                      />
                    </span>
                    <span className="block text-xs text-slate-600">
                      {connectionLabel({ channel: c.channel, code: c.connectionCode })}
                    </span>
                    <span className="mt-0.5 flex items-center justify-between gap-2 text-sm text-slate-600">
                      <span className="truncate">{c.lastMessage ?? "—"}</span>
                      {c.status === "CLOSED" && <Badge>Closed</Badge>}
                    </span>
                  </Link>
                </li>
              ))}
              {chats.hasNextPage && (
                <li className="p-2 text-center">
                  <Button
                    variant="ghost"
                    size="sm"
                    onClick={() => void chats.fetchNextPage()}
                    disabled={chats.isFetchingNextPage}
                  >
                    {chats.isFetchingNextPage ? "Loading…" : "Load more"}
                  </Button>
                </li>
              )}
            </ul>
          ) : (
            !chats.isError && (
              <p className="px-4 py-8 text-center text-sm text-slate-600">
                {chats.isPending
                  ? "Loading…"
                  : "No chats here yet. A chat starts when a contact writes to one of your connections."}
              </p>
            )
          )}
        </Card>
        {aside}
      </div>
      {/* Stacked (below 1024 px), a chat that was chosen comes first, where the eye is. */}
      <Card className={cn("min-h-[24rem]", selectedId && "order-first lg:order-none")}>
        {thread.data ? (
          <ThreadView thread={thread.data} actions={threadActions?.(thread.data)} />
        ) : selectedId && thread.isError ? (
          <div className="px-6 py-16">
            <FormMessage>Could not load this chat: {thread.error.message}.</FormMessage>
          </div>
        ) : (
          <p className="px-6 py-16 text-center text-sm text-slate-600">
            {selectedId ? "Loading…" : "Select a chat to read its messages."}
          </p>
        )}
      </Card>
    </div>
  );
}

function ThreadView({ thread, actions }: { thread: Thread; actions?: ReactNode }) {
  const { chat } = thread;
  const deliveryOf = (messageId: string) => thread.deliveries.find((d) => d.messageId === messageId);
  const end = thread.deliveries.find((d) => d.event === "END");
  return (
    <section aria-label={`Chat with ${chat.contact}`} className="flex h-full flex-col">
      <header className="flex flex-wrap items-center justify-between gap-2 border-b border-slate-200 px-5 py-3">
        <div>
          <h2 className="text-base font-semibold">{chat.contact}</h2>
          <p className="text-xs text-slate-600">
            {CHANNEL_LABEL[chat.channel]} – {chat.connectionCode}
            {chat.integrationAlias && <> · Custom Webhook “{chat.integrationAlias}”</>}
            {chat.campaignName && <> · Campaign “{chat.campaignName}”</>}
          </p>
        </div>
        <Badge tone={chat.status === "OPEN" ? "green" : "slate"}>
          {chat.status === "OPEN" ? "Open" : "Closed"}
        </Badge>
      </header>
      <ol aria-label="Messages" className="flex flex-1 flex-col gap-3 overflow-y-auto px-5 py-4">
        {thread.messages.map((m) => {
          const delivery = m.direction === "IN" ? deliveryOf(m.id) : undefined;
          return (
            <li
              key={m.id}
              className={cn(
                "flex max-w-[80%] flex-col gap-1",
                m.direction === "OUT" ? "items-end self-end" : "items-start",
              )}
            >
              <div
                className={cn(
                  "rounded-2xl px-3.5 py-2 text-sm",
                  m.direction === "OUT"
                    ? "bg-brand-600 rounded-br-sm text-white"
                    : "rounded-bl-sm bg-slate-100 text-slate-900",
                )}
              >
                <span className="sr-only">{m.direction === "IN" ? "Contact: " : "Reply: "}</span>
                {m.text}
                {m.multimediaUrl && (
                  <span className="mt-1 block text-xs break-all opacity-90">
                    🖼 {m.multimediaCaption ? `${m.multimediaCaption} — ` : ""}
                    {m.multimediaUrl}
                  </span>
                )}
              </div>
              <span className="flex items-center gap-1.5 text-xs text-slate-500">
                <LocalTime value={m.createdAt} dateStyle="short" />
                {delivery && <DeliveryBadge status={delivery.status} code={delivery.lastStatusCode} />}
                {m.sendStatus === "FAILED" && <Badge tone="red">Not sent</Badge>}
              </span>
            </li>
          );
        })}
        {chat.status === "CLOSED" && (
          <li className="flex items-center justify-center gap-2 text-xs text-slate-500">
            Chat closed {chat.closedAt && <LocalTime value={chat.closedAt} dateStyle="short" />}
            {end && (
              <>
                · END event <DeliveryBadge status={end.status} code={end.lastStatusCode} />
              </>
            )}
          </li>
        )}
      </ol>
      {actions && <footer className="border-t border-slate-200 px-5 py-3">{actions}</footer>}
    </section>
  );
}

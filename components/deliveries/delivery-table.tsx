"use client";

import { ChevronRight } from "lucide-react";

import { DeliveryBadge } from "@/components/chats/delivery-badge";
import { Button } from "@/components/ui/button";
import { Badge } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";
import { LocalTime } from "@/components/ui/local-time";
import { Table, Td, Th } from "@/components/ui/table";

import type { DeliveryRow } from "./types";

const shortId = (id: string) => id.slice(0, 8);

/** The last response code, or the error when no response came back. */
function LastResponse({ row }: { row: DeliveryRow }) {
  if (row.lastStatusCode !== null) {
    const good = row.lastStatusCode >= 200 && row.lastStatusCode < 300;
    return (
      <span className={cn("font-mono font-semibold", good ? "text-green-700" : "text-red-700")}>
        {row.lastStatusCode}
      </span>
    );
  }
  if (row.lastError) {
    return (
      <span className="block max-w-32 truncate text-red-700" title={row.lastError}>
        {row.lastError}
      </span>
    );
  }
  return <span className="text-slate-400">—</span>;
}

/** One row per delivery, newest first; "View attempts" opens the attempt view, a chat id filters by it. */
export function DeliveryTable({
  rows,
  onView,
  onChat,
}: {
  rows: DeliveryRow[];
  /** Gets the button pressed, to focus it again when the attempt view closes. */
  onView: (deliveryId: string, opener: HTMLElement) => void;
  onChat: (chatId: string) => void;
}) {
  return (
    <div className="rounded-md border border-slate-200 bg-white">
      <Table aria-label="Deliveries" className="text-xs [&_td]:px-2 [&_th]:px-2" stack>
        <thead>
          <tr>
            <Th>Time</Th>
            <Th>Event</Th>
            <Th>Contact · chat</Th>
            <Th>Status</Th>
            <Th className="text-right">Attempts</Th>
            <Th className="text-right">Response</Th>
            <Th className="text-right">Latency</Th>
            <Th>
              <span className="sr-only">Attempts view</span>
            </Th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.id} className="hover:bg-slate-50">
              <Td label="Time" className="whitespace-nowrap text-slate-700">
                <LocalTime value={row.createdAt} dateStyle="short" timeStyle="medium" />
              </Td>
              <Td label="Event">
                <span className="font-mono font-medium">{row.event}</span>
                {row.isTest && (
                  <span className="ml-1.5">
                    <Badge>Test</Badge>
                  </span>
                )}
              </Td>
              <Td label="Contact · chat" className="whitespace-nowrap">
                <span className="block font-mono">{row.contact}</span>
                {row.chatId && (
                  <button
                    type="button"
                    className="text-brand-700 font-mono text-[11px] hover:underline"
                    title={`Show only chat ${row.chatId}`}
                    aria-label={`Show only chat ${shortId(row.chatId)}`}
                    onClick={() => onChat(row.chatId!)}
                  >
                    chat {shortId(row.chatId)}
                  </button>
                )}
              </Td>
              <Td label="Status" className="min-w-[6.5rem]">
                <span className="whitespace-nowrap">
                  <DeliveryBadge status={row.status} />
                </span>
                {(row.status === "PENDING" || row.status === "RETRYING") && row.nextAttemptAt === null ? (
                  // Queued while its integration is stopped.
                  <span className="mt-0.5 block text-[11px] leading-tight text-slate-500">
                    waits for Start ▶
                  </span>
                ) : (
                  row.status === "RETRYING" && (
                    // May wrap between date and time, so the table fits a dialog.
                    <span className="mt-0.5 block text-[11px] leading-tight text-slate-500">
                      next <LocalTime value={row.nextAttemptAt} dateStyle="short" timeStyle="medium" />
                    </span>
                  )
                )}
              </Td>
              <Td label="Attempts" className="text-right tabular-nums">
                {row.attempts}
              </Td>
              <Td label="Response" className="text-right">
                <LastResponse row={row} />
              </Td>
              <Td label="Latency" className="text-right whitespace-nowrap tabular-nums">
                {row.lastLatencyMs !== null ? `${row.lastLatencyMs} ms` : "—"}
              </Td>
              <Td actions className="text-right">
                <Button
                  variant="ghost"
                  size="sm"
                  onClick={(e) => onView(row.id, e.currentTarget)}
                  aria-label="View attempts"
                >
                  View
                  <ChevronRight aria-hidden className="size-4" />
                </Button>
              </Td>
            </tr>
          ))}
        </tbody>
      </Table>
    </div>
  );
}

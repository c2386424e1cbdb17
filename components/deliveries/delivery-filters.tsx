"use client";

import { X } from "lucide-react";
import { useEffect, useRef, useState } from "react";

import { DELIVERY_STATUS_LABEL } from "@/components/chats/delivery-badge";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { Input, Select } from "@/components/ui/input";
import { useInBrowser } from "@/components/ui/use-in-browser";
import { DELIVERY_STATUSES, EVENT_TYPES } from "@/lib/validation/deliveries";
import { isUuid } from "@/lib/validation/ids";

import {
  fromLocalInput,
  hasFilters,
  NO_FILTERS,
  TIME_RANGES,
  toLocalInput,
  type LogFilters,
  type TimeRange,
} from "./filters";

const searchOf = (f: LogFilters) => f.chatId ?? f.contact ?? "";

/**
 * The log's filters: status, event, a contact's number or a chat id, time range, test events. Lists
 * apply at once; typing waits for a pause.
 */
export function DeliveryFilters({
  filters,
  onChange,
}: {
  filters: LogFilters;
  onChange: (next: LogFilters) => void;
}) {
  const inBrowser = useInBrowser();
  const set = (change: Partial<LogFilters>) => onChange({ ...filters, ...change });

  // The box follows the filter when it changes from elsewhere (a chat chosen in the table, Clear).
  const [search, setSearch] = useState(searchOf(filters));
  const [shown, setShown] = useState(searchOf(filters));
  if (searchOf(filters) !== shown) {
    setShown(searchOf(filters));
    setSearch(searchOf(filters));
  }
  // The pause may outlast other changes (a status chosen meanwhile): apply to the filters as they are then.
  const latest = useRef({ filters, onChange });
  useEffect(() => {
    latest.current = { filters, onChange };
  });
  const typing = useRef<ReturnType<typeof setTimeout>>(undefined);
  const onSearch = (text: string) => {
    setSearch(text);
    clearTimeout(typing.current);
    typing.current = setTimeout(() => {
      const value = text.trim();
      const { filters: now, onChange: apply } = latest.current;
      setShown(value);
      apply({
        ...now,
        ...(isUuid(value) ? { chatId: value, contact: null } : { contact: value || null, chatId: null }),
      });
    }, 400);
  };

  return (
    // On a phone the filters pair up, two to a line (the search takes a whole line).
    <div className="flex flex-wrap items-end gap-3" role="group" aria-label="Filter deliveries">
      <Field label="Status" className="w-40 max-sm:w-[calc(50%-0.375rem)]">
        <Select
          value={filters.status ?? ""}
          onChange={(e) => set({ status: (e.target.value || null) as LogFilters["status"] })}
        >
          <option value="">All statuses</option>
          {DELIVERY_STATUSES.map((s) => (
            <option key={s} value={s}>
              {DELIVERY_STATUS_LABEL[s]}
            </option>
          ))}
        </Select>
      </Field>
      <Field label="Event" className="w-36 max-sm:w-[calc(50%-0.375rem)]">
        <Select
          value={filters.event ?? ""}
          onChange={(e) => set({ event: (e.target.value || null) as LogFilters["event"] })}
        >
          <option value="">All events</option>
          {EVENT_TYPES.map((e) => (
            <option key={e} value={e}>
              {e}
            </option>
          ))}
        </Select>
      </Field>
      <Field label="Contact or chat" className="w-56 max-sm:w-full">
        <Input
          type="search"
          value={search}
          onChange={(e) => onSearch(e.target.value)}
          placeholder="+15551234567 or chat id"
          autoComplete="off"
        />
      </Field>
      <Field label="Time" className="w-40 max-sm:w-[calc(50%-0.375rem)]">
        <Select
          value={filters.range}
          onChange={(e) => {
            const range = e.target.value as TimeRange;
            // A custom range starts as the last 24 hours, to adjust.
            const from = range === "custom" ? new Date(Date.now() - 86_400_000).toISOString() : null;
            set({ range, from, to: null });
          }}
        >
          {Object.entries(TIME_RANGES).map(([value, { label }]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </Select>
      </Field>
      {filters.range === "custom" && inBrowser && (
        <>
          <Field label="From" className="w-52 max-sm:w-[calc(50%-0.375rem)]">
            <Input
              type="datetime-local"
              value={toLocalInput(filters.from)}
              onChange={(e) => set({ from: fromLocalInput(e.target.value) })}
            />
          </Field>
          <Field label="To" className="w-52 max-sm:w-[calc(50%-0.375rem)]">
            <Input
              type="datetime-local"
              value={toLocalInput(filters.to)}
              onChange={(e) => set({ to: fromLocalInput(e.target.value) })}
            />
          </Field>
        </>
      )}
      <label className="flex h-9 items-center gap-2 text-sm text-slate-700">
        <input
          type="checkbox"
          checked={filters.tests}
          onChange={(e) => set({ tests: e.target.checked })}
          className="accent-brand-600"
        />
        Test events
      </label>
      {hasFilters(filters) && (
        <Button variant="ghost" size="sm" className="mb-0.5" onClick={() => onChange(NO_FILTERS)}>
          <X aria-hidden className="size-4" />
          Clear filters
        </Button>
      )}
    </div>
  );
}

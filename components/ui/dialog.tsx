"use client";

import { X } from "lucide-react";
import { Dialog as Radix } from "radix-ui";
import type { ReactNode } from "react";

import { Button } from "./button";
import { cn } from "./cn";

export const Dialog = Radix.Root;
export const DialogTrigger = Radix.Trigger;
export const DialogClose = Radix.Close;

const WIDTHS = { md: "max-w-lg", lg: "max-w-2xl", xl: "max-w-4xl" } as const;

/** A modal (centred; large ones near the top) with a title, an optional description, and a close button; focus stays inside. */
export function DialogContent({
  title,
  description,
  children,
  className,
  size = "md",
  onCloseAutoFocus,
}: {
  title: ReactNode;
  description?: ReactNode;
  children: ReactNode;
  className?: string;
  /** Width: md for messages and short forms (Default), lg for tables, xl for documentation. */
  size?: keyof typeof WIDTHS;
  /** Where focus goes on close (Default: the trigger); a dialog opened without one says it here. */
  onCloseAutoFocus?: (event: Event) => void;
}) {
  return (
    <Radix.Portal>
      {/* Same layer as the content: a dialog opened from another one dims it (later portals stack on top). */}
      <Radix.Overlay className="fixed inset-0 z-50 bg-slate-900/40" />
      <Radix.Content
        className={cn(
          "fixed left-1/2 z-50 flex max-h-[90vh] w-[calc(100vw-2rem)] -translate-x-1/2 flex-col rounded-lg border border-slate-200 bg-white shadow-xl focus:outline-none",
          // Large dialogs hold tabs whose panels differ in height: pinned to the top, their tabs stay put.
          size === "md" ? "top-1/2 -translate-y-1/2" : "top-[5vh]",
          WIDTHS[size],
          className,
        )}
        onCloseAutoFocus={onCloseAutoFocus}
        // Without a description Radix warns; say explicitly there is none.
        {...(description ? {} : { "aria-describedby": undefined })}
      >
        <div className="flex items-start justify-between gap-4 border-b border-slate-200 px-5 py-4">
          <div>
            <Radix.Title className="text-base font-semibold text-slate-900">{title}</Radix.Title>
            {description && (
              <Radix.Description className="mt-1 text-sm text-slate-600">{description}</Radix.Description>
            )}
          </div>
          <Radix.Close asChild>
            <Button variant="ghost" size="icon" aria-label="Close">
              <X aria-hidden className="size-4" />
            </Button>
          </Radix.Close>
        </div>
        <div className="overflow-y-auto px-5 py-4">{children}</div>
      </Radix.Content>
    </Radix.Portal>
  );
}

/** The row of buttons at the bottom of a dialog. */
export function DialogFooter({ children }: { children: ReactNode }) {
  return <div className="mt-5 flex justify-end gap-2 first:mt-0">{children}</div>;
}

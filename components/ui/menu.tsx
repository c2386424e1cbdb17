"use client";

import { DropdownMenu as Radix } from "radix-ui";
import type { ComponentProps } from "react";

import { cn } from "./cn";

/**
 * A dropdown menu. Not modal: the rest of the page stays in the accessibility tree (a modal menu hides it
 * with aria-hidden while it still holds focusable controls); Escape and a click outside close it.
 */
export function Menu(props: ComponentProps<typeof Radix.Root>) {
  return <Radix.Root modal={false} {...props} />;
}
export const MenuTrigger = Radix.Trigger;

export function MenuContent({ className, ...props }: ComponentProps<typeof Radix.Content>) {
  return (
    <Radix.Portal>
      <Radix.Content
        align="end"
        sideOffset={4}
        className={cn(
          "z-50 min-w-40 rounded-md border border-slate-200 bg-white p-1 text-sm shadow-lg",
          className,
        )}
        {...props}
      />
    </Radix.Portal>
  );
}

export function MenuItem({
  className,
  tone = "default",
  ...props
}: ComponentProps<typeof Radix.Item> & { tone?: "default" | "danger" }) {
  return (
    <Radix.Item
      className={cn(
        "flex cursor-pointer items-center gap-2 rounded px-2.5 py-1.5 outline-none select-none data-[disabled]:cursor-not-allowed data-[disabled]:text-slate-400",
        tone === "danger"
          ? "text-red-700 data-[highlighted]:bg-red-50"
          : "text-slate-800 data-[highlighted]:bg-slate-100",
        className,
      )}
      {...props}
    />
  );
}

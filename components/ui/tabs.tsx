"use client";

import { Tabs as Radix } from "radix-ui";
import type { ComponentProps } from "react";

import { cn } from "./cn";

export const Tabs = Radix.Root;

/** The row of tabs; on a narrow screen it wraps (a tab cut off at the edge would look absent). */
export function TabsList({ className, ...props }: ComponentProps<typeof Radix.List>) {
  return (
    <Radix.List className={cn("flex flex-wrap gap-x-1 border-b border-slate-200", className)} {...props} />
  );
}

export function TabsTrigger({ className, ...props }: ComponentProps<typeof Radix.Trigger>) {
  return (
    <Radix.Trigger
      className={cn(
        "-mb-px inline-flex items-center gap-1.5 border-b-2 border-transparent px-3 py-2 text-sm font-medium whitespace-nowrap text-slate-600 hover:text-slate-900",
        "data-[state=active]:border-brand-600 data-[state=active]:text-brand-700",
        className,
      )}
      {...props}
    />
  );
}

export function TabsContent({ className, ...props }: ComponentProps<typeof Radix.Content>) {
  return <Radix.Content className={cn("pt-4 focus-visible:outline-none", className)} {...props} />;
}

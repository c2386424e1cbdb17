"use client";

import {
  useEffect,
  useRef,
  useState,
  type HTMLAttributes,
  type TdHTMLAttributes,
  type ThHTMLAttributes,
} from "react";

import { cn } from "./cn";

interface TableProps extends HTMLAttributes<HTMLTableElement> {
  /**
   * Below 640 px, show each row as a block and each cell beside its column's name (the `label` of its
   * Td), instead of scrolling sideways; the row's `actions` cell goes at the right of its first line, or
   * of its last with "actions-last". (Default: false: a wide table scrolls inside its container)
   */
  stack?: boolean | "actions-last";
}

/**
 * A table that never widens the page: wider than its container, it scrolls inside it (and the scroll
 * area becomes focusable, so keyboard users can scroll it too); with `stack`, it stacks on phones.
 */
export function Table({ className, stack = false, ...props }: TableProps) {
  const scroller = useRef<HTMLDivElement>(null);
  const [scrolls, setScrolls] = useState(false);
  useEffect(() => {
    const element = scroller.current;
    if (!element) return;
    const measure = () => setScrolls(element.scrollWidth > element.clientWidth);
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    if (element.firstElementChild) observer.observe(element.firstElementChild);
    return () => observer.disconnect();
  }, []);
  return (
    <div
      ref={scroller}
      // relative: visually hidden (absolute) text in a cell stays inside the scroll area, not beside the page.
      className="relative max-w-full overflow-x-auto"
      {...(scrolls ? { tabIndex: 0, role: "region", "aria-label": props["aria-label"] } : {})}
    >
      <table
        className={cn(
          "w-full text-left text-sm",
          stack && "table-stack",
          stack === "actions-last" && "table-stack-actions-last",
          className,
        )}
        {...props}
      />
    </div>
  );
}

export function Th({ className, ...props }: ThHTMLAttributes<HTMLTableCellElement>) {
  return (
    <th
      scope="col"
      className={cn(
        "border-b border-slate-200 bg-slate-50 px-3 py-2 text-xs font-semibold text-slate-600 uppercase",
        className,
      )}
      {...props}
    />
  );
}

export function Td({
  className,
  label,
  actions = false,
  ...props
}: TdHTMLAttributes<HTMLTableCellElement> & {
  /** The column's name, shown beside the value when a `stack` table stacks on a phone. */
  label?: string;
  /** The row's buttons: on a stacked phone row they sit at the right of its first line. (Default: false) */
  actions?: boolean;
}) {
  return (
    <td
      data-label={label}
      data-actions={actions || undefined}
      className={cn("border-b border-slate-100 px-3 py-2 align-middle", className)}
      {...props}
    />
  );
}

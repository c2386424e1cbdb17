"use client";

import { Menu, Webhook, X } from "lucide-react";
import { usePathname } from "next/navigation";
import { useEffect, useState, type ReactNode } from "react";

import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";

import { NavLinks } from "./nav-links";

/**
 * The signed-in pages' frame. From 1024 px (lg) the navigation is a sidebar and the account sits in a
 * bar above the page; below that, a top bar's Menu button opens the navigation and the account bar.
 */
export function AppShell({ account, children }: { account: ReactNode; children: ReactNode }) {
  const [open, setOpen] = useState(false);
  const pathname = usePathname();
  // Following a link (or Back) closes the menu: the page it opens is what the user asked to see.
  const [shownFor, setShownFor] = useState(pathname);
  if (shownFor !== pathname) {
    setShownFor(pathname);
    setOpen(false);
  }
  useEffect(() => {
    if (!open) return;
    const onKey = (event: KeyboardEvent) => event.key === "Escape" && setOpen(false);
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [open]);

  return (
    <div className="flex min-h-screen flex-col lg:flex-row">
      <aside className="border-b border-slate-200 bg-white lg:w-56 lg:shrink-0 lg:border-r lg:border-b-0">
        <div className="flex items-center justify-between gap-2 px-4 py-2.5 lg:py-4">
          <span className="flex items-center gap-2 font-semibold">
            <Webhook aria-hidden className="text-brand-600 size-5" />
            Custom Webhook
          </span>
          <Button
            variant="ghost"
            className="lg:hidden"
            aria-expanded={open}
            aria-controls="main-menu"
            onClick={() => setOpen((o) => !o)}
          >
            {open ? <X aria-hidden className="size-5" /> : <Menu aria-hidden className="size-5" />}
            Menu
          </Button>
        </div>
        <div id="main-menu" className={cn(open ? "block" : "hidden", "lg:block")}>
          <nav aria-label="Main" className="px-2 pb-3">
            <NavLinks />
          </nav>
        </div>
      </aside>
      <div className="flex min-w-0 flex-1 flex-col">
        {/* The account bar: above the page from 1024 px; narrower, it shows with the open menu, under it. */}
        <header
          className={cn(
            open ? "flex" : "hidden",
            "flex-wrap items-center justify-between gap-x-3 gap-y-1 border-b border-slate-200 bg-white px-4 py-2.5 text-sm lg:flex lg:justify-end lg:px-6",
          )}
        >
          {account}
        </header>
        <main className="mx-auto w-full max-w-6xl flex-1 px-4 py-6 sm:px-6 sm:py-8">{children}</main>
      </div>
    </div>
  );
}

"use client";

import { Cable, Megaphone, MessagesSquare, Plug, Settings } from "lucide-react";
import Link from "next/link";
import { usePathname } from "next/navigation";

import { cn } from "@/components/ui/cn";

const LINKS = [
  { href: "/integrations", label: "Integrations", icon: Plug },
  { href: "/campaigns", label: "Campaigns", icon: Megaphone },
  { href: "/chats", label: "Chats", icon: MessagesSquare },
  { href: "/connections", label: "Connections", icon: Cable },
  { href: "/settings", label: "Settings", icon: Settings },
];

export function NavLinks() {
  const pathname = usePathname();
  return (
    <ul className="flex flex-col gap-1">
      {LINKS.map(({ href, label, icon: Icon }) => {
        const active = pathname === href || pathname.startsWith(`${href}/`);
        return (
          <li key={href}>
            <Link
              href={href}
              aria-current={active ? "page" : undefined}
              className={cn(
                "flex items-center gap-2.5 rounded-md px-3 py-2 text-sm font-medium",
                active ? "bg-brand-50 text-brand-800" : "text-slate-700 hover:bg-slate-100",
              )}
            >
              <Icon aria-hidden className="size-4" />
              {label}
            </Link>
          </li>
        );
      })}
    </ul>
  );
}

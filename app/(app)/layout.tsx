import { LogOut, Webhook } from "lucide-react";
import type { ReactNode } from "react";

import { NavLinks } from "@/components/shell/nav-links";
import { Button } from "@/components/ui/button";
import { requireSession } from "@/lib/auth";
import { getAccount } from "@/lib/data/accounts";

import { signOutAction } from "../(auth)/actions";

export default async function AppLayout({ children }: { children: ReactNode }) {
  const session = await requireSession();
  const account = await getAccount(session.accountId);
  return (
    <div className="flex min-h-screen flex-col md:flex-row">
      <aside className="border-b border-slate-200 bg-white md:w-56 md:shrink-0 md:border-r md:border-b-0">
        <div className="flex items-center gap-2 px-4 py-4 font-semibold">
          <Webhook aria-hidden className="text-brand-600 size-5" />
          Custom Webhook
        </div>
        <nav aria-label="Main" className="px-2 pb-3">
          <NavLinks />
        </nav>
      </aside>
      <div className="flex min-w-0 flex-1 flex-col">
        <header className="flex items-center justify-end gap-3 border-b border-slate-200 bg-white px-6 py-2.5 text-sm">
          <span className="text-slate-600">
            <span className="font-medium text-slate-900">{account?.name}</span> · {session.email}
          </span>
          <form action={signOutAction}>
            <Button type="submit" variant="ghost" size="sm">
              <LogOut aria-hidden className="size-4" />
              Sign out
            </Button>
          </form>
        </header>
        <main className="mx-auto w-full max-w-6xl flex-1 px-6 py-8">{children}</main>
      </div>
    </div>
  );
}

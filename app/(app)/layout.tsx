import { LogOut } from "lucide-react";
import type { ReactNode } from "react";

import { AppShell } from "@/components/shell/app-shell";
import { Button } from "@/components/ui/button";
import { requireSession } from "@/lib/auth";
import { getAccount } from "@/lib/data/accounts";

import { signOutAction } from "../(auth)/actions";

export default async function AppLayout({ children }: { children: ReactNode }) {
  const session = await requireSession();
  const account = await getAccount(session.accountId);
  return (
    <AppShell
      account={
        <>
          <span className="min-w-0 break-words text-slate-600">
            <span className="font-medium text-slate-900">{account?.name}</span> · {session.email}
          </span>
          <form action={signOutAction}>
            <Button type="submit" variant="ghost" size="sm">
              <LogOut aria-hidden className="size-4" />
              Sign out
            </Button>
          </form>
        </>
      }
    >
      {children}
    </AppShell>
  );
}

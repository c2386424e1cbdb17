import { Settings } from "lucide-react";
import type { Metadata } from "next";

import { Card, PageHeader } from "@/components/ui/card";
import { requireSession } from "@/lib/auth";
import { getAccount } from "@/lib/data/accounts";
import { listApiKeys } from "@/lib/data/api-keys";

import { ApiKeys } from "./api-keys";

export const metadata: Metadata = { title: "Settings" };

export default async function SettingsPage() {
  const session = await requireSession();
  const [account, keys] = await Promise.all([getAccount(session.accountId), listApiKeys(session.accountId)]);
  return (
    <>
      <PageHeader
        title="Settings"
        description="Your account and the API keys external systems use to call the platform."
      />
      <Card className="p-5">
        <h2 className="mb-3 flex items-center gap-2 text-base font-semibold">
          <Settings aria-hidden className="size-4 text-slate-500" /> Account
        </h2>
        <dl className="grid grid-cols-[8rem_1fr] gap-y-2 text-sm">
          <dt className="text-slate-500">Account</dt>
          <dd>{account?.name}</dd>
          <dt className="text-slate-500">Account Id</dt>
          <dd className="font-mono text-xs leading-5">{session.accountId}</dd>
          <dt className="text-slate-500">Signed in as</dt>
          <dd>
            {session.name} ({session.email})
          </dd>
        </dl>
      </Card>
      <div className="mt-6">
        <ApiKeys keys={keys} />
      </div>
    </>
  );
}

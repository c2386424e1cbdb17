import { Settings } from "lucide-react";
import type { Metadata } from "next";

import { Card, PageHeader } from "@/components/ui/card";
import { requireSession } from "@/lib/auth";
import { describeDevice } from "@/lib/auth/device";
import { listUserSessions } from "@/lib/auth/sessions";
import { getAccount } from "@/lib/data/accounts";
import { listApiKeys } from "@/lib/data/api-keys";
import { RETENTION_DAYS } from "@/lib/validation/retention";

import { ApiKeys } from "./api-keys";
import { DataRetention } from "./data-retention";
import { Security } from "./security";

export const metadata: Metadata = { title: "Settings" };

export default async function SettingsPage() {
  const session = await requireSession();
  const [account, keys, sessions] = await Promise.all([
    getAccount(session.accountId),
    listApiKeys(session.accountId),
    listUserSessions(session.userId),
  ]);
  return (
    <>
      <PageHeader
        title="Settings"
        description="Your account, the API keys external systems use to call the platform, how long data is kept, and where you are signed in."
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
      <div className="mt-6">
        <DataRetention
          retentionDays={account?.retentionDays ?? RETENTION_DAYS.default}
          isOwner={session.role === "OWNER"}
        />
      </div>
      <div className="mt-6">
        <Security
          isOwner={session.role === "OWNER"}
          accountName={account?.name ?? "this account"}
          sessions={sessions.map((s) => ({
            id: s.id,
            device: describeDevice(s.userAgent),
            ip: s.ip,
            createdAt: s.createdAt,
            lastSeenAt: s.lastSeenAt,
            current: s.id === session.sessionId,
          }))}
        />
      </div>
    </>
  );
}

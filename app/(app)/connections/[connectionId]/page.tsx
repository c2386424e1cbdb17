import { ArrowLeft } from "lucide-react";
import type { Metadata } from "next";
import { headers } from "next/headers";
import Link from "next/link";
import { notFound } from "next/navigation";

import { PageHeader } from "@/components/ui/card";
import { requireSession } from "@/lib/auth";
import { publicOrigin, unreachableOriginReason } from "@/lib/channels/public-url";
import { getConnectionSettings } from "@/lib/data/connections";
import { connectionLabel } from "@/lib/validation/connection";
import { isUuid } from "@/lib/validation/ids";

import { ProviderSettingsForm } from "./provider-settings-form";

export const metadata: Metadata = { title: "Connection provider" };

export default async function ConnectionProviderPage({
  params,
}: {
  params: Promise<{ connectionId: string }>;
}) {
  const { accountId } = await requireSession();
  const { connectionId } = await params;
  const connection = isUuid(connectionId) ? await getConnectionSettings(accountId, connectionId) : null;
  if (!connection) notFound();
  // The same origin the webhook handlers check Twilio's signatures against.
  const origin = publicOrigin(await headers());
  return (
    <>
      <Link
        href="/connections"
        className="mb-3 inline-flex items-center gap-1 text-sm text-slate-600 hover:text-slate-900"
      >
        <ArrowLeft aria-hidden className="size-4" /> Connections
      </Link>
      <PageHeader
        title={connectionLabel(connection)}
        description="Choose the provider that carries this connection's messages and enter its credentials. Secrets are stored encrypted and shown masked."
      />
      <ProviderSettingsForm
        connection={connection}
        origin={origin}
        unreachable={unreachableOriginReason(origin)}
      />
    </>
  );
}

import type { Metadata } from "next";

import { PageHeader } from "@/components/ui/card";
import { requireSession } from "@/lib/auth";
import { listIntegrations } from "@/lib/data/integrations";

import { IntegrationsClient, type IntegrationsTab } from "./integrations-client";

export const metadata: Metadata = { title: "Integrations" };

export default async function IntegrationsPage({
  searchParams,
}: {
  searchParams: Promise<{ tab?: string; saved?: string }>;
}) {
  const { accountId } = await requireSession();
  const [{ tab, saved }, integrations] = await Promise.all([searchParams, listIntegrations(accountId)]);
  // A new account starts on the pane of types; otherwise on its cards.
  const initialTab: IntegrationsTab =
    tab === "add" || tab === "integrations" ? tab : integrations.length ? "integrations" : "add";
  return (
    <>
      <PageHeader
        title="Integrations"
        description="Send every chat event on your channels to your own systems."
      />
      <IntegrationsClient integrations={integrations} initialTab={initialTab} savedId={saved} />
    </>
  );
}

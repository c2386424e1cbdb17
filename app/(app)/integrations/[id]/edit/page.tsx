import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { z } from "zod";

import { IntegrationWizard } from "@/components/integrations/wizard/integration-wizard";
import { requireSession } from "@/lib/auth";
import { canRevealSecrets, getIntegration, listConnectionChoices } from "@/lib/data/integrations";
import { env } from "@/lib/env";

import { WizardHeader } from "../../wizard-header";

export const metadata: Metadata = { title: "Edit Custom Webhook" };

export default async function EditIntegrationPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  if (!z.uuid().safeParse(id).success) notFound();
  const { accountId, userId } = await requireSession();
  const [integration, choices, canReveal] = await Promise.all([
    getIntegration(accountId, id),
    listConnectionChoices(accountId, id),
    canRevealSecrets(accountId, userId),
  ]);
  if (!integration) notFound();
  return (
    <>
      <WizardHeader
        title={`Edit ${integration.alias}`}
        description="Changes apply to the next events sent. Secrets stay as they are unless you type new ones."
      />
      <IntegrationWizard
        key={integration.id}
        integration={integration}
        choices={choices}
        allowInsecureUrls={env().WEBHOOK_ALLOW_INSECURE_URLS}
        canRevealSecrets={canReveal}
      />
    </>
  );
}

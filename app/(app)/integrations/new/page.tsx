import type { Metadata } from "next";

import { IntegrationWizard } from "@/components/integrations/wizard/integration-wizard";
import { requireSession } from "@/lib/auth";
import { canRevealSecrets, listConnectionChoices } from "@/lib/data/integrations";
import { env } from "@/lib/env";

import { WizardHeader } from "../wizard-header";

export const metadata: Metadata = { title: "New Custom Webhook" };

export default async function NewIntegrationPage() {
  const { accountId, userId } = await requireSession();
  const [choices, canReveal] = await Promise.all([
    listConnectionChoices(accountId),
    canRevealSecrets(accountId, userId),
  ]);
  return (
    <>
      <WizardHeader
        title="New Custom Webhook"
        description="Every message a contact sends on the chosen connections, and the end of each chat, is sent to your endpoint as an HTTP request built from the settings below."
      />
      <IntegrationWizard
        integration={null}
        choices={choices}
        allowInsecureUrls={env().WEBHOOK_ALLOW_INSECURE_URLS}
        canRevealSecrets={canReveal}
      />
    </>
  );
}

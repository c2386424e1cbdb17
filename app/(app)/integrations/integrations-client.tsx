"use client";

import { useState } from "react";

import { IntegrationList } from "@/components/integrations/integration-list";
import { IntegrationTypesPane } from "@/components/integrations/integration-types-pane";
import { Tabs, TabsContent, TabsList, TabsTrigger } from "@/components/ui/tabs";
import type { IntegrationSummary } from "@/lib/data/integrations";

export type IntegrationsTab = "integrations" | "add";

/** The Integrations page's two tabs: the saved cards, and the pane of types to add one from. */
export function IntegrationsClient({
  integrations,
  initialTab,
  savedId,
}: {
  integrations: IntegrationSummary[];
  initialTab: IntegrationsTab;
  savedId?: string;
}) {
  const [tab, setTab] = useState<IntegrationsTab>(initialTab);
  return (
    <Tabs value={tab} onValueChange={(v) => setTab(v as IntegrationsTab)}>
      <TabsList aria-label="Integrations sections">
        <TabsTrigger value="integrations">Integrations</TabsTrigger>
        <TabsTrigger value="add">Add integration</TabsTrigger>
      </TabsList>
      <TabsContent value="integrations">
        <IntegrationList initial={integrations} savedId={savedId} onAddIntegration={() => setTab("add")} />
      </TabsContent>
      <TabsContent value="add">
        <IntegrationTypesPane />
      </TabsContent>
    </Tabs>
  );
}

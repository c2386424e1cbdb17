"use client";

import { FileText } from "lucide-react";

import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogTrigger } from "@/components/ui/dialog";
import { Tabs, TabsContent, TabsList, TabsTrigger } from "@/components/ui/tabs";
import type { IntegrationSummary } from "@/lib/data/integrations";

import { DETAILS_TABS, type DetailsTab } from "./details-tabs";
import { FailingNotice } from "./failing-notice";

/** The card's Details icon and its dialog: one tab per entry of `tabs` (Default: DETAILS_TABS). */
export function DetailsDialog({
  integration,
  tabs = DETAILS_TABS,
}: {
  integration: IntegrationSummary;
  tabs?: DetailsTab[];
}) {
  return (
    <Dialog>
      <DialogTrigger asChild>
        <Button variant="ghost" size="icon" aria-label="Details" title="Details">
          <FileText aria-hidden className="size-4" />
        </Button>
      </DialogTrigger>
      <DialogContent title={integration.alias} description="Custom Webhook" size="xl">
        {integration.status === "ACTIVE" && integration.failing && (
          <div className="mb-3">
            <FailingNotice failing={integration.failing} />
          </div>
        )}
        <Tabs defaultValue={tabs[0]?.value}>
          <TabsList aria-label="Details">
            {tabs.map((t) => (
              <TabsTrigger key={t.value} value={t.value}>
                {t.label}
              </TabsTrigger>
            ))}
          </TabsList>
          {tabs.map(({ value, content: Content }) => (
            <TabsContent key={value} value={value}>
              <Content integration={integration} />
            </TabsContent>
          ))}
        </Tabs>
      </DialogContent>
    </Dialog>
  );
}

import { Plug } from "lucide-react";
import type { Metadata } from "next";

import { EmptyState, PageHeader } from "@/components/ui/card";

export const metadata: Metadata = { title: "Integrations" };

export default function IntegrationsPage() {
  return (
    <>
      <PageHeader
        title="Integrations"
        description="Send every chat event on your channels to your own systems."
      />
      <EmptyState
        icon={<Plug className="size-8" aria-hidden />}
        title="Custom Webhook integrations are coming next"
      >
        The Custom Webhook wizard is not built yet. Your connections are ready for it under Connections.
      </EmptyState>
    </>
  );
}

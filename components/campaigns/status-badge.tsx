import { Badge } from "@/components/ui/card";
import { CAMPAIGN_STATUS_LABEL } from "@/lib/validation/campaign";

const TONE = { LIVE: "green", DRAFT: "slate", PAUSED: "amber" } as const;

export function CampaignStatusBadge({ status }: { status: keyof typeof CAMPAIGN_STATUS_LABEL }) {
  return <Badge tone={TONE[status]}>{CAMPAIGN_STATUS_LABEL[status]}</Badge>;
}

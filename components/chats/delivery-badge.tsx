import { Badge } from "@/components/ui/card";
import type { DeliveryStatus } from "@/db/schema";

export const DELIVERY_STATUS_LABEL: Record<DeliveryStatus, string> = {
  PENDING: "Pending",
  DELIVERING: "Delivering",
  SUCCEEDED: "Succeeded",
  RETRYING: "Retrying",
  FAILED: "Failed",
  SKIPPED: "Skipped",
};

const TONE = {
  PENDING: "slate",
  DELIVERING: "blue",
  SUCCEEDED: "green",
  RETRYING: "amber",
  FAILED: "red",
  SKIPPED: "slate",
} as const;

/** A delivery's status, with its last response code when there is one. */
export function DeliveryBadge({ status, code }: { status: DeliveryStatus; code?: number | null }) {
  return (
    <Badge tone={TONE[status]}>
      {DELIVERY_STATUS_LABEL[status]}
      {code ? ` · ${code}` : ""}
    </Badge>
  );
}

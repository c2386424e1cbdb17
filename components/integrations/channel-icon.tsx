import { MessageCircle, MessageSquare } from "lucide-react";

import type { Channel } from "@/db/schema";

/** The icon of a channel: a square bubble for SMS, a round one for WhatsApp. Decorative. */
export function ChannelIcon({ channel, className }: { channel: Channel; className?: string }) {
  const Icon = channel === "SMS" ? MessageSquare : MessageCircle;
  return <Icon aria-hidden className={className} />;
}

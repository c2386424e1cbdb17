import { MessageCircle, MessageSquare } from "lucide-react";

import type { Channel } from "@/db/schema";
import { CHANNEL_LABEL } from "@/lib/validation/connection";

/** The icon of a channel: a square bubble for SMS, a round one for WhatsApp. Decorative. */
export function ChannelIcon({ channel, className }: { channel: Channel; className?: string }) {
  const Icon = channel === "SMS" ? MessageSquare : MessageCircle;
  return <Icon aria-hidden className={className} />;
}

/** A channel's icon and name, as tables show it ("💬 WhatsApp"). */
export function ChannelName({ channel }: { channel: Channel }) {
  return (
    <span className="inline-flex items-center gap-1.5">
      <ChannelIcon channel={channel} className="size-4 text-slate-500" />
      {CHANNEL_LABEL[channel]}
    </span>
  );
}

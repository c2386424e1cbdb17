// Which provider carries which channel, their names and inbound webhook paths. Browser-safe.
import type { Channel } from "@/db/schema";

export const PROVIDERS = ["SIMULATOR", "TWILIO", "WHATSAPP_CLOUD"] as const;
export type Provider = (typeof PROVIDERS)[number];

export const PROVIDER_LABEL: Record<Provider, string> = {
  SIMULATOR: "Simulator",
  TWILIO: "Twilio",
  WHATSAPP_CLOUD: "WhatsApp Cloud API",
};

/** The providers a channel can use: the simulator always, Twilio for SMS, WhatsApp Cloud for WhatsApp. */
export const PROVIDERS_FOR_CHANNEL: Record<Channel, readonly Provider[]> = {
  SMS: ["SIMULATOR", "TWILIO"],
  WHATSAPP: ["SIMULATOR", "WHATSAPP_CLOUD"],
};

/** The route segment of each real provider's inbound webhook: /api/channels/{segment}/{connectionId}. */
export const WEBHOOK_ROUTE = { TWILIO: "twilio", WHATSAPP_CLOUD: "whatsapp" } as const;
export type WebhookRoute = (typeof WEBHOOK_ROUTE)[keyof typeof WEBHOOK_ROUTE];

/** The path to paste (after the portal's origin) into the provider's console; none for the simulator. */
export function inboundWebhookPath(provider: Provider, connectionId: string): string | null {
  return provider === "SIMULATOR" ? null : `/api/channels/${WEBHOOK_ROUTE[provider]}/${connectionId}`;
}

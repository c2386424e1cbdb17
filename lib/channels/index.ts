// The channel adapters behind one interface. Data code decrypts a connection's credentials and calls
// `createChannelAdapter`; route handlers and senders only ever see `ChannelAdapter`.
import { env } from "@/lib/env";
import type { StoredCredentials } from "@/lib/validation/channel-credentials";

import type { Provider } from "./providers";
import { createSimulatorAdapter } from "./simulator";
import { createTwilioAdapter } from "./twilio";
import type { ChannelAdapter } from "./types";
import { createWhatsAppCloudAdapter } from "./whatsapp-cloud";

export type * from "./types";
export { PROVIDER_LABEL, PROVIDERS_FOR_CHANNEL, inboundWebhookPath, type Provider } from "./providers";

/** Where the providers' APIs are unless a connection says otherwise. */
export interface ProviderEndpoints {
  twilioApiBaseUrl: string;
  whatsappApiBaseUrl: string;
  whatsappApiVersion: string;
}

/** The endpoints from the environment (TWILIO_API_BASE_URL, WHATSAPP_API_BASE_URL, WHATSAPP_API_VERSION). */
export function providerEndpoints(): ProviderEndpoints {
  const e = env();
  return {
    twilioApiBaseUrl: e.TWILIO_API_BASE_URL,
    whatsappApiBaseUrl: e.WHATSAPP_API_BASE_URL,
    whatsappApiVersion: e.WHATSAPP_API_VERSION,
  };
}

export interface AdapterConnection {
  id: string;
  /** The connection's own number or short code: Twilio's `From`. */
  code: string;
  provider: Provider;
}

/** The adapter for a connection and its decrypted credentials; throws when they do not fit its provider. */
export function createChannelAdapter(
  connection: AdapterConnection,
  credentials: StoredCredentials | null,
  endpoints: ProviderEndpoints = providerEndpoints(),
): ChannelAdapter {
  if (connection.provider === "SIMULATOR") return createSimulatorAdapter(connection.id);
  if (credentials?.provider !== connection.provider) {
    throw new Error(`Connection ${connection.id} has no ${connection.provider} credentials`);
  }
  if (credentials.provider === "TWILIO") {
    return createTwilioAdapter({
      accountSid: credentials.accountSid,
      authToken: credentials.authToken,
      from: connection.code,
      apiBaseUrl: credentials.apiBaseUrl ?? endpoints.twilioApiBaseUrl,
      ...(credentials.webhookUrl ? { webhookUrl: credentials.webhookUrl } : {}),
    });
  }
  return createWhatsAppCloudAdapter({
    phoneNumberId: credentials.phoneNumberId,
    accessToken: credentials.accessToken,
    appSecret: credentials.appSecret,
    verifyToken: credentials.verifyToken,
    apiBaseUrl: credentials.apiBaseUrl ?? endpoints.whatsappApiBaseUrl,
    apiVersion: credentials.apiVersion ?? endpoints.whatsappApiVersion,
  });
}

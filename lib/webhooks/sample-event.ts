import type { EventVariables } from "./types";

/** The MESSAGE event the wizard's preview and Send test event use. */
export function sampleEvent(overrides: Partial<EventVariables> = {}): EventVariables {
  return {
    chatId: "3f1c2a8e-5b7d-4c61-9e2a-7d4b8c9f0a12",
    contact: "+15551234567",
    event: "MESSAGE",
    text: "Hi! Where is my order #1042?",
    multimediaUrl: null,
    multimediaCaption: null,
    channel: "SMS",
    connectionCode: "+15550100001",
    integrationId: "00000000-0000-4000-8000-000000000000",
    alias: "My webhook",
    timestamp: new Date().toISOString(),
    deliveryId: "msg_preview",
    ...overrides,
  };
}

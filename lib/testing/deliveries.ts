import { randomUUID } from "node:crypto";

import {
  createIntegration,
  revealSigningSecret,
  startIntegration,
  updateIntegration,
} from "@/lib/data/integrations";
import { integrationFormValues } from "@/lib/validation/integration";

import { createTestConnection } from "./integrations";
import { startReceiver, type Responder } from "./receiver";

/**
 * An Active Custom Webhook made the way the portal makes one (createIntegration, then Start ▶) on a new
 * SMS connection, delivering to a receiver on 127.0.0.1 that verifies every signature with the
 * integration's own secret. `owner` must be the account's owner (only owners may reveal the secret).
 */
export async function createReceivingIntegration(
  owner: { accountId: string; id: string },
  { alias = `Hook ${randomUUID().slice(0, 8)}`, respond }: { alias?: string; respond?: Responder } = {},
) {
  const connection = await createTestConnection(owner.accountId);
  const values = {
    ...integrationFormValues(),
    alias,
    url: "https://receiver.example/hook",
    connectionIds: [connection.id],
  };
  const { id } = await createIntegration(owner.accountId, values);
  // The receiver needs the secret and the integration needs the receiver's port: save the URL after.
  const secret = await revealSigningSecret(owner.accountId, owner.id, id);
  const receiver = await startReceiver({ secrets: [secret], respond });
  await updateIntegration(owner.accountId, id, { ...values, url: `${receiver.url}/hook` });
  await startIntegration(owner.accountId, id);
  return { integrationId: id, connection, receiver, secret };
}

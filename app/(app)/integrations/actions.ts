"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";

import { accountAction } from "@/lib/actions";
import { listLinkedCampaigns } from "@/lib/data/campaigns";
import {
  createIntegration,
  deleteIntegration,
  listIntegrations,
  revealSigningSecret,
  rotateSigningSecret,
  startIntegration,
  stopIntegration,
  updateIntegration,
} from "@/lib/data/integrations";
import { WAITING_CHOICES } from "@/lib/validation/deliveries";
import type { IntegrationFormValues } from "@/lib/validation/integration";

const byId = z.object({ id: z.uuid() });

// The wizard's values are parsed by the data layer with the wizard's own schema (it needs the stored
// auth type and the server's URL setting), so here they pass through untyped.
const saveInput = z.object({ id: z.uuid().nullable(), values: z.custom<IntegrationFormValues>() });

/** Save in the wizard: creates (id null) or updates the integration; field errors go back to the form. */
export const saveIntegrationAction = accountAction(
  saveInput,
  async ({ id, values }, { accountId }) => {
    const saved = id
      ? await updateIntegration(accountId, id, values)
      : await createIntegration(accountId, values);
    revalidatePath("/integrations");
    revalidatePath("/connections");
    return saved;
  },
  { formAt: "values" },
);

/** The cards' data, for react-query to refetch after a change. */
export const listIntegrationsAction = accountAction(z.object({}), async (_input, { accountId }) =>
  listIntegrations(accountId),
);

// Start ▶, with what to do about the events that waited while it was stopped (Default: send them).
const startInput = byId.extend({ waiting: z.enum(WAITING_CHOICES).default("send") });

export const startIntegrationAction = accountAction(startInput, async ({ id, waiting }, { accountId }) =>
  startIntegration(accountId, id, waiting),
);

export const stopIntegrationAction = accountAction(byId, async ({ id }, { accountId }) =>
  stopIntegration(accountId, id),
);

/** Delete: answers with the alias and the Draft or Paused campaigns that lost their link, to confirm it. */
export const deleteIntegrationAction = accountAction(byId, async ({ id }, { accountId }) => {
  const deleted = await deleteIntegration(accountId, id);
  revalidatePath("/connections");
  revalidatePath("/campaigns");
  return deleted;
});

/** Every campaign linked to the integration, whatever its status: Details and Delete say what happens to them. */
export const linkedCampaignsAction = accountAction(byId, async ({ id }, { accountId }) =>
  listLinkedCampaigns(accountId, id, false),
);

/** The signing secret in clear: only for the account owner, only on this explicit request. */
export const revealSigningSecretAction = accountAction(byId, async ({ id }, { accountId, userId }) => ({
  secret: await revealSigningSecret(accountId, userId, id),
}));

export const rotateSigningSecretAction = accountAction(byId, async ({ id }, { accountId }) =>
  rotateSigningSecret(accountId, id),
);

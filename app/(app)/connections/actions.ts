"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";

import { accountAction } from "@/lib/actions";
import { createConnection, deleteConnection, setConnectionProvider } from "@/lib/data/connections";
import { providerSettingsActionSchema } from "@/lib/validation/channel-credentials";
import { connectionInputSchema } from "@/lib/validation/connection";

export const addConnectionAction = accountAction(connectionInputSchema, async (input, { accountId }) => {
  const row = await createConnection(accountId, input);
  revalidatePath("/connections");
  return { id: row.id };
});

export const removeConnectionAction = accountAction(
  z.object({ id: z.uuid() }),
  async ({ id }, { accountId }) => {
    await deleteConnection(accountId, id);
    revalidatePath("/connections");
  },
);

/** Saves a connection's provider and credentials; answers with the masked view, never the secrets. */
export const saveProviderSettingsAction = accountAction(
  providerSettingsActionSchema,
  async ({ connectionId, ...settings }, { accountId }) => {
    const view = await setConnectionProvider(accountId, connectionId, settings);
    revalidatePath("/connections");
    revalidatePath(`/connections/${connectionId}`);
    return view;
  },
);

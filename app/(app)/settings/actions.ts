"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";

import { accountAction } from "@/lib/actions";
import { createApiKey, revokeApiKey } from "@/lib/data/api-keys";
import { apiKeyInputSchema } from "@/lib/validation/api-key";

export const createApiKeyAction = accountAction(apiKeyInputSchema, async ({ name }, { accountId }) => {
  const created = await createApiKey(accountId, name);
  revalidatePath("/settings");
  return { name: created.name, key: created.key };
});

export const revokeApiKeyAction = accountAction(z.object({ id: z.uuid() }), async ({ id }, { accountId }) => {
  await revokeApiKey(accountId, id);
  revalidatePath("/settings");
});

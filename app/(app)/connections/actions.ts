"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";

import { accountAction } from "@/lib/actions";
import { createConnection, deleteConnection } from "@/lib/data/connections";
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

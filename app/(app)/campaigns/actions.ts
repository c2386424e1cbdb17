"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";

import { accountAction } from "@/lib/actions";
import { createCampaign, deleteCampaign, goLive, pauseCampaign, updateCampaign } from "@/lib/data/campaigns";
import { campaignInputSchema } from "@/lib/validation/campaign";

const byId = z.object({ id: z.uuid() });

function refresh(id?: string) {
  revalidatePath("/campaigns");
  if (id) revalidatePath(`/campaigns/${id}`);
  // Integration cards show which Live campaigns use them.
  revalidatePath("/integrations");
}

export const createCampaignAction = accountAction(campaignInputSchema, async (input, { accountId }) => {
  const campaign = await createCampaign(accountId, input);
  refresh();
  return { id: campaign.id };
});

export const updateCampaignAction = accountAction(
  z.intersection(byId, campaignInputSchema),
  async ({ id, ...input }, { accountId }) => {
    await updateCampaign(accountId, id, input);
    refresh(id);
    return { id };
  },
);

export const goLiveAction = accountAction(byId, async ({ id }, { accountId }) => {
  await goLive(accountId, id);
  refresh(id);
});

export const pauseCampaignAction = accountAction(byId, async ({ id }, { accountId }) => {
  await pauseCampaign(accountId, id);
  refresh(id);
});

export const deleteCampaignAction = accountAction(byId, async ({ id }, { accountId }) => {
  await deleteCampaign(accountId, id);
  refresh();
});

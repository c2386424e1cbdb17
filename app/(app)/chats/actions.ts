"use server";

import { z } from "zod";

import { accountAction } from "@/lib/actions";
import { receiveMessage } from "@/lib/data/inbound";
import { simulatorMessageSchema } from "@/lib/validation/inbound";
import { closeChat } from "@/lib/webhooks/close";

// The simulator: a message typed as the contact would, through the same path as real channels.
export const sendAsContactAction = accountAction(simulatorMessageSchema, async (input, { accountId }) => {
  const accepted = await receiveMessage({ accountId, ...input });
  return { chatId: accepted.chatId };
});

export const closeChatAction = accountAction(
  z.object({ chatId: z.uuid() }),
  async ({ chatId }, { accountId }) => {
    await closeChat(accountId, chatId);
  },
);

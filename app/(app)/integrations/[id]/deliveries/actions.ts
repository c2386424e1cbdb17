"use server";

import { accountAction } from "@/lib/actions";
import { getDelivery } from "@/lib/data/deliveries";
import { getIntegrationSummary } from "@/lib/data/integrations";
import { AppError, notFound } from "@/lib/errors";
import {
  isFinished,
  replayFailedSchema,
  resendDeliverySchema,
  sendTestEventSchema,
} from "@/lib/validation/deliveries";
import { replayFailed, requeueDeliveries } from "@/lib/webhooks/replay";
import { sendTestEvent } from "@/lib/webhooks/send-test-event";

/** Resend: one finished delivery goes out again, at its place in its chat's order. */
export const resendDeliveryAction = accountAction(
  resendDeliverySchema,
  async ({ deliveryId }, { accountId }) => {
    const [requeued] = await requeueDeliveries(accountId, [deliveryId]);
    if (requeued) return { deliveryId: requeued };
    // Nothing was requeued: say why.
    const delivery = await getDelivery(accountId, deliveryId);
    if (!delivery) throw notFound("Delivery");
    if (delivery.isTest) {
      throw new AppError("CONFLICT", "Test events are not resent: choose Send test event to send a new one");
    }
    if (!isFinished(delivery.status)) {
      throw new AppError(
        "CONFLICT",
        "This delivery is still on its way; it can be resent once it has finished",
      );
    }
    throw new AppError("CONFLICT", "This delivery could not be resent; try again");
  },
);

/** Replay failed: an integration's Failed deliveries in a time range, or of one chat, again in order. */
export const replayFailedAction = accountAction(replayFailedSchema, async (filter, { accountId }) => {
  if (!(await getIntegrationSummary(accountId, filter.integrationId))) throw notFound("Integration");
  const ids = await replayFailed(accountId, filter);
  return { replayed: ids.length };
});

/** Send test event: a sample MESSAGE to the saved configuration now; the attempt comes back to show. */
export const sendTestEventAction = accountAction(
  sendTestEventSchema,
  async ({ integrationId }, { accountId }) => sendTestEvent(accountId, integrationId),
);

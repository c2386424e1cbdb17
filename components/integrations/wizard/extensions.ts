import type { ComponentType } from "react";

import type { IntegrationFormValues } from "@/lib/validation/integration";
import type { Preview } from "@/lib/webhooks/preview";

import { SendTestEventAction } from "./send-test-event-action";

/** What a wizard extension sees: the saved id (null while new), the live form values and preview. */
export interface WizardExtensionProps {
  integrationId: string | null;
  values: IntegrationFormValues;
  preview: Preview;
}

/**
 * Buttons shown under the live request preview, beside Copy as curl. Add a component here and it
 * renders for every wizard with the props above.
 */
export const PREVIEW_ACTIONS: ComponentType<WizardExtensionProps>[] = [SendTestEventAction];

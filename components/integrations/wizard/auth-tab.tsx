"use client";

import { useFormContext, useWatch } from "react-hook-form";

import { Field } from "@/components/ui/field";
import { Input, Select } from "@/components/ui/input";
import type { IntegrationDetails } from "@/lib/data/integrations";
import {
  API_KEY_PLACEMENT_LABEL,
  AUTH_SECRET_LABEL,
  AUTH_TYPE_LABEL,
  type IntegrationFormValues,
} from "@/lib/validation/integration";
import { authTypeSchema } from "@/lib/validation/integration-fields";

import { SigningSecret } from "./signing-secret";

const AUTH_HELP = {
  NONE: "Requests carry no credentials. Your endpoint can still verify every request with the signing secret below.",
  API_KEY: "A key name and value, sent as a header or added to the query string.",
  BASIC: "A username and password, sent as an Authorization: Basic header.",
  BEARER: "A token, sent as an Authorization: Bearer header.",
} as const;

/**
 * The Auth tab: the Type dropdown and the inputs of the chosen type. On Edit the stored secret is
 * never sent to the browser; its field starts empty (masked hint) and is kept unless re-typed.
 */
export function AuthTab({
  integration,
  canRevealSecrets,
}: {
  integration: IntegrationDetails | null;
  canRevealSecrets: boolean;
}) {
  const { control, register, formState } = useFormContext<IntegrationFormValues>();
  const type = useWatch({ control, name: "auth.type" });
  const errors = formState.errors.auth;
  const storedSecret = integration && integration.auth.type === type ? integration.authSecretMasked : null;

  const secretField =
    type === "NONE" ? null : (
      <Field
        label={AUTH_SECRET_LABEL[type]}
        error={errors?.secret?.message}
        hint={
          storedSecret
            ? `Stored: ${storedSecret}. Leave empty to keep it, or type a new one to replace it.`
            : "Stored encrypted; never shown again in clear."
        }
      >
        <Input
          type="password"
          autoComplete="new-password"
          placeholder={storedSecret ? "Unchanged" : undefined}
          {...register("auth.secret")}
        />
      </Field>
    );

  return (
    <div className="flex flex-col gap-5">
      <div className="grid gap-4 sm:grid-cols-2">
        <Field label="Type" hint={AUTH_HELP[type]}>
          <Select {...register("auth.type")}>
            {authTypeSchema.options.map((t) => (
              <option key={t} value={t}>
                {AUTH_TYPE_LABEL[t]}
              </option>
            ))}
          </Select>
        </Field>
      </div>

      {type === "API_KEY" && (
        <div className="grid gap-4 sm:grid-cols-3">
          <Field label="Key" error={errors?.keyName?.message}>
            <Input placeholder="X-API-Key" autoComplete="off" {...register("auth.keyName")} />
          </Field>
          {secretField}
          <Field label="Add to">
            <Select {...register("auth.placement")}>
              {(["HEADER", "QUERY"] as const).map((p) => (
                <option key={p} value={p}>
                  {API_KEY_PLACEMENT_LABEL[p]}
                </option>
              ))}
            </Select>
          </Field>
        </div>
      )}
      {type === "BASIC" && (
        <div className="grid gap-4 sm:grid-cols-2">
          <Field label="Username" error={errors?.username?.message}>
            <Input autoComplete="off" {...register("auth.username")} />
          </Field>
          {secretField}
        </div>
      )}
      {type === "BEARER" && <div className="grid gap-4 sm:grid-cols-2">{secretField}</div>}

      <SigningSecret integration={integration} canReveal={canRevealSecrets} />
    </div>
  );
}

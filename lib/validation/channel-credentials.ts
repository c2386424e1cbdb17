// Provider credentials of a connection: the form's input (secrets may be left blank to keep them) and
// the complete documents stored encrypted in connections.provider_credentials. Browser-safe.
import { z } from "zod";

import { PROVIDERS } from "@/lib/channels/providers";

const httpUrl = (what: string) =>
  z
    .string()
    .trim()
    .refine((v) => {
      try {
        return ["http:", "https:"].includes(new URL(v).protocol);
      } catch {
        return false;
      }
    }, `${what} must be a full http(s) URL`);

// One schema per field, used by the form check and by the stored documents alike.
export const credentialFields = {
  accountSid: z
    .string()
    .trim()
    .regex(/^AC[0-9a-fA-F]{32}$/, "An Account SID is AC followed by 32 letters and digits (0–9, a–f)"),
  authToken: z
    .string()
    .trim()
    .regex(/^\S{16,200}$/, "The Auth Token is at least 16 characters, without spaces"),
  webhookUrl: httpUrl("The public webhook URL"),
  phoneNumberId: z
    .string()
    .trim()
    .regex(/^\d{5,20}$/, "The Phone number ID is the number Meta shows under API Setup (digits only)"),
  accessToken: z
    .string()
    .trim()
    .regex(/^\S{20,1000}$/, "The access token is at least 20 characters, without spaces"),
  appSecret: z
    .string()
    .trim()
    .regex(/^\S{16,200}$/, "The App secret is at least 16 characters, without spaces"),
  verifyToken: z
    .string()
    .trim()
    .regex(/^\S{8,200}$/, "Use at least 8 characters, without spaces"),
  apiBaseUrl: httpUrl("The API base URL"),
  apiVersion: z.string().regex(/^v\d+\.\d+$/, "A Graph API version looks like v25.0"),
} as const;

/** The name of each field, as the form labels it and messages mention it. */
export const CREDENTIAL_LABEL: Record<keyof typeof credentialFields, string> = {
  accountSid: "Account SID",
  authToken: "Auth Token",
  webhookUrl: "Public webhook URL",
  phoneNumberId: "Phone number ID",
  accessToken: "Access token",
  appSecret: "App secret",
  verifyToken: "Verify token",
  apiBaseUrl: "API base URL",
  apiVersion: "Graph API version",
};

export const TWILIO_SECRETS = ["authToken"] as const;
export const WHATSAPP_SECRETS = ["accessToken", "appSecret", "verifyToken"] as const;
export type SecretField = (typeof TWILIO_SECRETS)[number] | (typeof WHATSAPP_SECRETS)[number];

// `apiBaseUrl` / `apiVersion` override the environment's provider origin for one connection (tests,
// regional or proxy endpoints). They are set through the data layer only, never from the browser form,
// so a user cannot make the server send credentials to an address of their choosing.
export const twilioCredentialsSchema = z.object({
  provider: z.literal("TWILIO"),
  accountSid: credentialFields.accountSid,
  authToken: credentialFields.authToken,
  webhookUrl: credentialFields.webhookUrl.optional(),
  apiBaseUrl: credentialFields.apiBaseUrl.optional(),
});

export const whatsappCloudCredentialsSchema = z.object({
  provider: z.literal("WHATSAPP_CLOUD"),
  phoneNumberId: credentialFields.phoneNumberId,
  accessToken: credentialFields.accessToken,
  appSecret: credentialFields.appSecret,
  verifyToken: credentialFields.verifyToken,
  apiBaseUrl: credentialFields.apiBaseUrl.optional(),
  apiVersion: credentialFields.apiVersion.optional(),
});

/** The decrypted JSON document of connections.provider_credentials. */
export const storedCredentialsSchema = z.discriminatedUnion("provider", [
  twilioCredentialsSchema,
  whatsappCloudCredentialsSchema,
]);
export type TwilioCredentials = z.infer<typeof twilioCredentialsSchema>;
export type WhatsAppCloudCredentials = z.infer<typeof whatsappCloudCredentialsSchema>;
export type StoredCredentials = z.infer<typeof storedCredentialsSchema>;

export const FIELDS_OF = {
  SIMULATOR: [],
  TWILIO: ["accountSid", "authToken", "webhookUrl"],
  WHATSAPP_CLOUD: ["phoneNumberId", "accessToken", "appSecret", "verifyToken"],
} as const satisfies Record<(typeof PROVIDERS)[number], readonly (keyof typeof credentialFields)[]>;

const SECRETS = new Set<string>([...TWILIO_SECRETS, ...WHATSAPP_SECRETS]);
const OPTIONAL = new Set<string>(["webhookUrl"]);

const text = z.string().trim().default("");

/**
 * The provider form of a connection. One flat object so a form can switch providers without losing
 * what was typed; only the chosen provider's fields are checked. A blank secret means "keep the saved
 * one" — whether one is saved is known on the server, which reports a missing one on its field.
 */
export const providerSettingsInputSchema = z
  .object({
    provider: z.enum(PROVIDERS, { error: "Choose a provider" }),
    accountSid: text,
    authToken: text,
    webhookUrl: text,
    phoneNumberId: text,
    accessToken: text,
    appSecret: text,
    verifyToken: text,
  })
  .superRefine((input, ctx) => {
    for (const field of FIELDS_OF[input.provider]) {
      const value = input[field];
      if (value === "" && (SECRETS.has(field) || OPTIONAL.has(field))) continue;
      if (value === "") {
        ctx.addIssue({ code: "custom", path: [field], message: `Enter the ${CREDENTIAL_LABEL[field]}` });
        continue;
      }
      const result = credentialFields[field].safeParse(value);
      if (!result.success) {
        ctx.addIssue({ code: "custom", path: [field], message: result.error.issues[0]!.message });
      }
    }
  });

export type ProviderSettingsInput = z.input<typeof providerSettingsInputSchema>;
export type ProviderSettings = z.output<typeof providerSettingsInputSchema>;

export const providerSettingsActionSchema = z.intersection(
  z.object({ connectionId: z.uuid() }),
  providerSettingsInputSchema,
);

/** What the browser may see of a connection's provider settings: identifiers in clear, secrets masked. */
export type ProviderSettingsView =
  | { provider: "SIMULATOR" }
  | { provider: "TWILIO"; accountSid: string; authToken: string; webhookUrl: string | null }
  | {
      provider: "WHATSAPP_CLOUD";
      phoneNumberId: string;
      accessToken: string;
      appSecret: string;
      verifyToken: string;
    };

import { z } from "zod";

const flag = (fallback: boolean) =>
  z
    .enum(["true", "false", "1", "0"])
    .optional()
    .transform((v) => (v === undefined ? fallback : v === "true" || v === "1"));

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  DATABASE_URL: z.string().min(1, "DATABASE_URL is required (npm start sets it for the embedded database)"),
  // Optional: a read replica (or a read-only user) for the log reads — the Deliveries tab, chats, the v1
  // lists (readDb() in db/index.ts). Unset: everything uses DATABASE_URL.
  DATABASE_READ_URL: z.string().min(1).optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().positive().default(10),
  // How long to wait for a database connection before answering 503 (an unreachable server would
  // otherwise hold every request until the operating system gives up, minutes later).
  DATABASE_CONNECT_TIMEOUT_MS: z.coerce.number().int().positive().default(5_000),
  // AES-256-GCM key for secrets at rest: 32 bytes, base64.
  SECRETS_ENCRYPTION_KEY: z
    .string()
    .refine((v) => Buffer.from(v, "base64").length === 32, "SECRETS_ENCRYPTION_KEY must be 32 bytes, base64"),
  // Webhook URLs that resolve to private, loopback or metadata addresses are refused unless this is on.
  WEBHOOK_ALLOW_PRIVATE_NETWORKS: flag(false),
  // Plain http:// webhook URLs are refused unless this is on.
  WEBHOOK_ALLOW_INSECURE_URLS: flag(false),
  // Bearer secret of POST /api/internal/deliveries/run (the cron-driven drain).
  CRON_SECRET: z.string().min(16).optional(),
  // Run the delivery worker inside the web server process.
  WORKER_IN_PROCESS: flag(true),
  // Per API key: requests per second and burst size of the v1 API.
  // 0 turns the per-key limit off (a gateway in front of the app limits instead).
  API_RATE_LIMIT_PER_SECOND: z.coerce.number().min(0).default(50),
  API_RATE_LIMIT_BURST: z.coerce.number().int().positive().default(100),
  // Where the limits shared by all processes count (API keys, sign-in and mail throttles): Redis when set
  // (redis://…), else the app's PostgreSQL.
  REDIS_URL: z
    .url()
    .refine((v) => /^rediss?:$/.test(new URL(v).protocol), "REDIS_URL starts with redis:// or rediss://")
    .optional(),
  // Delivery worker: requests in flight per worker, fallback poll, request deadline.
  WORKER_CONCURRENCY: z.coerce.number().int().positive().default(200),
  WORKER_POLL_MS: z.coerce.number().int().positive().default(2_000),
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().positive().default(15_000),
  // Circuit breaker (lib/webhooks/health.ts): this many consecutive failed attempts over at least this
  // many minutes make an endpoint Failing; 0 failures: never.
  CIRCUIT_BREAKER_FAILURES: z.coerce.number().int().min(0).default(20),
  CIRCUIT_BREAKER_MINUTES: z.coerce.number().min(0).default(2),
  // Chats with no message for this long are closed (and END is delivered); 0 never closes them.
  CHAT_IDLE_TIMEOUT_MINUTES: z.coerce.number().int().min(0).default(1_440),
  // When set, GET /api/metrics asks for `Authorization: Bearer <METRICS_TOKEN>`.
  METRICS_TOKEN: z.string().min(16).optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  // The portal's public origin; provider webhooks (Twilio signatures) are checked against URLs on it.
  AUTH_URL: z.url().optional(),
  // Believe X-Forwarded-Host/-Proto/-For: only behind a proxy that sets them (else any client could).
  TRUST_PROXY: flag(false),
  // Email (sign-up links, password resets): SMTP when SMTP_URL is set (smtp:// or smtps://, with
  // user:password@ if the server asks), from MAIL_FROM. MAIL_CONSOLE prints mails (links included) to the
  // console instead: local mode only (the launcher sets it there), since the links let anyone who reads
  // the log finish a sign-up or reset a password. Neither set: no email, so no sign-up and no reset.
  SMTP_URL: z
    .url()
    .refine((v) => /^smtps?:$/.test(new URL(v).protocol), "SMTP_URL starts with smtp:// or smtps://")
    .optional(),
  MAIL_FROM: z.string().min(3).optional(),
  MAIL_CONSOLE: flag(false),
  // Channel providers' API origins; tests point them at local fakes. A connection may override its own.
  TWILIO_API_BASE_URL: z.url().default("https://api.twilio.com"),
  WHATSAPP_API_BASE_URL: z.url().default("https://graph.facebook.com"),
  WHATSAPP_API_VERSION: z
    .string()
    .regex(/^v\d+\.\d+$/, "WHATSAPP_API_VERSION looks like v25.0")
    .default("v25.0"),
});

export type Env = z.infer<typeof envSchema>;

// Settings that only make sense together.
const checkedEnvSchema = envSchema.superRefine((e, ctx) => {
  if (e.SMTP_URL && !e.MAIL_FROM)
    ctx.addIssue({ code: "custom", path: ["MAIL_FROM"], message: "MAIL_FROM is required with SMTP_URL" });
});

let cached: Env | undefined;

/** The validated environment, read once on first use (never at import, so `next build` needs none of it). */
export function env(): Env {
  if (cached) return cached;
  const parsed = checkedEnvSchema.safeParse(process.env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid environment:\n${lines.join("\n")}`);
  }
  cached = parsed.data;
  return cached;
}

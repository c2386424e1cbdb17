import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  check,
  customType,
  date,
  index,
  integer,
  json,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
  varchar,
} from "drizzle-orm/pg-core";

import type { AuthConfig, FieldRow } from "@/lib/validation/integration-fields";
import { RETENTION_DAYS } from "@/lib/validation/retention";

// Binary data (packed attempt logs) as a Buffer.
const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => "bytea" });

// Every timestamp is timezone-aware and comes back as a Date.
const tz = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });
const createdAt = () => tz("created_at").notNull().defaultNow();
const id = () => uuid("id").primaryKey().defaultRandom();
const accountRef = () =>
  uuid("account_id")
    .notNull()
    .references(() => accounts.id, { onDelete: "cascade" });

// The account of a row on the delivery hot path (messages, deliveries, attempts) — for scoping queries.
// No foreign key: each such row already goes with a parent that goes with the account (chat, integration,
// delivery), and the check would cost every insert a lookup and a row lock on the account.
const accountScope = () => uuid("account_id").notNull();

// The tables that grow with traffic, ready to be distributed by account_id (Citus: every primary key and
// unique index of a distributed table includes its distribution column). Each carries account_id in all
// of them, last, so that lookups by the rest use the same index as before; db/schema-keys.test.ts holds
// the rule, and README's "Running several processes" says where every other table would go.
export const ACCOUNT_KEYED_TABLES = [
  "chats",
  "messages",
  "inbound_message_ids",
  "deliveries",
  "unsuccessful_deliveries",
  "delivery_queue",
  "delivery_attempts",
  "delivery_minutes",
  "delivery_hours",
  "idempotency_keys",
  "campaign_tallies",
] as const;

// The tables that grow with traffic (messages, deliveries, delivery_attempts) are partitioned by the day
// their rows expire: the UTC day they were written plus the account's retention period plus one (see
// migration 0008 and lib/webhooks/partitions.ts). Expiring a day is dropping its partitions. Their
// primary keys therefore include this column, and no foreign key leads into or out of them.
const expiresOn = () => date("expires_on", { mode: "string" }).notNull();

export const channelEnum = pgEnum("channel", ["SMS", "WHATSAPP"]);
export const providerEnum = pgEnum("channel_provider", ["SIMULATOR", "TWILIO", "WHATSAPP_CLOUD"]);
export const httpMethodEnum = pgEnum("http_method", ["POST", "GET", "PUT", "DELETE"]);
export const integrationStatusEnum = pgEnum("integration_status", ["ACTIVE", "INACTIVE"]);
export const campaignTypeEnum = pgEnum("campaign_type", ["KEYWORD", "CHATBOT"]);
export const campaignStatusEnum = pgEnum("campaign_status", ["DRAFT", "LIVE", "PAUSED"]);
export const chatStatusEnum = pgEnum("chat_status", ["OPEN", "CLOSED"]);
export const directionEnum = pgEnum("message_direction", ["IN", "OUT"]);
export const eventTypeEnum = pgEnum("event_type", ["MESSAGE", "END"]);
export const deliveryStatusEnum = pgEnum("delivery_status", [
  "PENDING",
  "DELIVERING",
  "SUCCEEDED",
  "RETRYING",
  "FAILED",
  // Waited while its integration was stopped, and was skipped when it was started again (never sent).
  "SKIPPED",
]);
export const attemptErrorEnum = pgEnum("attempt_error", [
  "BUILD",
  "BLOCKED",
  "DNS",
  "CONNECT",
  "TLS",
  "TIMEOUT",
  "NETWORK",
  "HTTP_STATUS",
  // Recorded for an attempt whose worker stopped (crashed, was killed) before it could record the outcome:
  // its lease ran out and the delivery was claimed again (or skipped).
  "LEASE_EXPIRED",
]);

// ---------------------------------------------------------------- tenancy

export const accounts = pgTable(
  "accounts",
  {
    id: id(),
    name: text("name").notNull(),
    // How long finished deliveries, their attempts, messages and closed chats are kept (Settings → Data
    // retention). New rows take the period in force when they are written.
    retentionDays: integer("retention_days").notNull().default(RETENTION_DAYS.default),
    // Set when the period is shortened, to when the last row written under the longer one expires by
    // itself: until then, rows older than the new period are removed in small batches every day.
    retentionCatchUpUntil: tz("retention_catch_up_until"),
    createdAt: createdAt(),
  },
  (t) => [
    check(
      "accounts_retention_days_range",
      sql`${t.retentionDays} BETWEEN ${sql.raw(String(RETENTION_DAYS.min))} AND ${sql.raw(String(RETENTION_DAYS.max))}`,
    ),
  ],
);

export const users = pgTable(
  "users",
  {
    id: id(),
    accountId: accountRef(),
    name: text("name").notNull(),
    // Stored lower-cased so sign-in is case-insensitive.
    email: text("email").notNull(),
    passwordHash: text("password_hash").notNull(),
    role: text("role", { enum: ["OWNER", "MEMBER"] })
      .notNull()
      .default("OWNER"),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("users_email_key").on(t.email), index("users_account_idx").on(t.accountId)],
);

// A signed-in browser. The session cookie (a JWT) carries the row's id, and every request checks the
// row: deleting it signs that browser out (sign-out, a password change or reset, "Sign out everywhere").
export const sessions = pgTable(
  "sessions",
  {
    id: id(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    accountId: accountRef(),
    createdAt: createdAt(),
    // Moved at most every few minutes (see lib/auth/sessions.ts); expiry slides with it.
    lastSeenAt: tz("last_seen_at").notNull().defaultNow(),
    expiresAt: tz("expires_at").notNull(),
    // For the list of sessions in Settings only.
    userAgent: text("user_agent"),
    ip: text("ip"),
  },
  (t) => [
    index("sessions_user_idx").on(t.userId),
    index("sessions_account_idx").on(t.accountId),
    index("sessions_expires_idx").on(t.expiresAt),
  ],
);

// A sign-up waiting for its email to be confirmed: the account is created from it when the link in
// the email is opened (with the same password). One per address; a new sign-up replaces it.
export const pendingSignups = pgTable(
  "pending_signups",
  {
    id: id(),
    email: text("email").notNull(),
    name: text("name").notNull(),
    accountName: text("account_name").notNull(),
    passwordHash: text("password_hash").notNull(),
    // SHA-256 of the token in the link: the token itself is only in the email.
    tokenHash: text("token_hash").notNull(),
    expiresAt: tz("expires_at").notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("pending_signups_email_key").on(t.email),
    uniqueIndex("pending_signups_token_key").on(t.tokenHash),
    index("pending_signups_expires_idx").on(t.expiresAt),
  ],
);

// A "Forgot password?" link: SHA-256 of its token, good once until it expires.
export const passwordResets = pgTable(
  "password_resets",
  {
    id: id(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    tokenHash: text("token_hash").notNull(),
    expiresAt: tz("expires_at").notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("password_resets_token_key").on(t.tokenHash),
    index("password_resets_user_idx").on(t.userId),
    index("password_resets_expires_idx").on(t.expiresAt),
  ],
);

export const apiKeys = pgTable(
  "api_keys",
  {
    id: id(),
    accountId: accountRef(),
    name: text("name").notNull(),
    // The first characters of the key, shown in lists so people can tell keys apart.
    prefix: text("prefix").notNull(),
    // SHA-256 of the whole key: the key itself is shown once and never stored.
    keyHash: text("key_hash").notNull(),
    lastUsedAt: tz("last_used_at"),
    revokedAt: tz("revoked_at"),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("api_keys_hash_key").on(t.keyHash), index("api_keys_account_idx").on(t.accountId)],
);

// ---------------------------------------------------------------- channels

export const connections = pgTable(
  "connections",
  {
    id: id(),
    accountId: accountRef(),
    channel: channelEnum("channel").notNull(),
    // E.164 number, or an SMS short code.
    code: text("code").notNull(),
    provider: providerEnum("provider").notNull().default("SIMULATOR"),
    // Provider credentials (Twilio / WhatsApp Cloud), encrypted as one JSON document.
    providerCredentials: text("provider_credentials"),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("connections_account_channel_code_key").on(t.accountId, t.channel, t.code),
    index("connections_account_idx").on(t.accountId),
  ],
);

// ---------------------------------------------------------------- integrations

export const integrations = pgTable(
  "integrations",
  {
    id: id(),
    accountId: accountRef(),
    alias: text("alias").notNull(),
    method: httpMethodEnum("method").notNull().default("POST"),
    url: text("url").notNull(),
    params: jsonb("params").$type<FieldRow[]>().notNull().default([]),
    headers: jsonb("headers").$type<FieldRow[]>().notNull().default([]),
    body: jsonb("body").$type<FieldRow[]>().notNull().default([]),
    // Auth type and its non-secret parts; the one secret of each type is in authSecret.
    auth: jsonb("auth").$type<AuthConfig>().notNull().default({ type: "NONE" }),
    authSecret: text("auth_secret"),
    // Standard Webhooks `whsec_` secret, encrypted; the previous one keeps signing during a rotation.
    signingSecret: text("signing_secret").notNull(),
    previousSigningSecret: text("previous_signing_secret"),
    previousSigningSecretExpiresAt: tz("previous_signing_secret_expires_at"),
    status: integrationStatusEnum("status").notNull().default("INACTIVE"),
    // Set when the receiver answered 410 Gone: deliveries stop until someone restarts it.
    disabledReason: text("disabled_reason"),
    maxAttempts: integer("max_attempts").notNull().default(12),
    maxAgeSeconds: integer("max_age_seconds").notNull().default(86_400),
    // The endpoint's maximum delivery rate (requests per second; null: unlimited), kept by every worker
    // together through delivery_pace.
    maxRatePerSecond: integer("max_rate_per_second"),
    createdAt: createdAt(),
    updatedAt: tz("updated_at").notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("integrations_account_alias_key").on(t.accountId, sql`lower(${t.alias})`),
    index("integrations_account_idx").on(t.accountId, t.createdAt),
    check("integrations_max_rate_positive", sql`${t.maxRatePerSecond} > 0`),
  ],
);

// A connection feeds at most one integration (unique on connection_id).
export const integrationConnections = pgTable(
  "integration_connections",
  {
    accountId: accountRef(),
    integrationId: uuid("integration_id")
      .notNull()
      .references(() => integrations.id, { onDelete: "cascade" }),
    connectionId: uuid("connection_id")
      .notNull()
      .references(() => connections.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.integrationId, t.connectionId] }),
    uniqueIndex("integration_connections_connection_key").on(t.connectionId),
  ],
);

// ---------------------------------------------------------------- campaigns

export const campaigns = pgTable(
  "campaigns",
  {
    id: id(),
    accountId: accountRef(),
    name: text("name").notNull(),
    type: campaignTypeEnum("type").notNull(),
    status: campaignStatusEnum("status").notNull().default("DRAFT"),
    // Keyword campaigns: the keyword (matched case-insensitively) and the auto-reply.
    keyword: text("keyword"),
    autoReply: text("auto_reply"),
    // Chatbot Service campaigns: the Custom Webhook they deliver to, and when that link went Live.
    integrationId: uuid("integration_id").references(() => integrations.id, { onDelete: "restrict" }),
    integrationDate: tz("integration_date"),
    createdAt: createdAt(),
    updatedAt: tz("updated_at").notNull().defaultNow(),
  },
  (t) => [
    index("campaigns_account_idx").on(t.accountId, t.createdAt),
    index("campaigns_integration_idx").on(t.integrationId),
    check("campaigns_keyword_only_for_keyword", sql`${t.type} = 'KEYWORD' OR ${t.keyword} IS NULL`),
    check("campaigns_integration_only_for_chatbot", sql`${t.type} = 'CHATBOT' OR ${t.integrationId} IS NULL`),
  ],
);

export const campaignConnections = pgTable(
  "campaign_connections",
  {
    accountId: accountRef(),
    campaignId: uuid("campaign_id")
      .notNull()
      .references(() => campaigns.id, { onDelete: "cascade" }),
    connectionId: uuid("connection_id")
      .notNull()
      .references(() => connections.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.campaignId, t.connectionId] }),
    index("campaign_connections_connection_idx").on(t.connectionId),
  ],
);

// ---------------------------------------------------------------- chats

export const chats = pgTable(
  "chats",
  {
    id: uuid("id").notNull().defaultRandom(),
    accountId: accountRef(),
    connectionId: uuid("connection_id")
      .notNull()
      .references(() => connections.id, { onDelete: "cascade" }),
    // The end user's number.
    contact: text("contact").notNull(),
    status: chatStatusEnum("status").notNull().default("OPEN"),
    // Who the chat was attributed to when it opened.
    integrationId: uuid("integration_id").references(() => integrations.id, { onDelete: "set null" }),
    campaignId: uuid("campaign_id").references(() => campaigns.id, { onDelete: "set null" }),
    openedAt: tz("opened_at").notNull().defaultNow(),
    closedAt: tz("closed_at"),
    lastMessageAt: tz("last_message_at").notNull().defaultNow(),
    // The start of the latest message (its text, else its caption or media URL), for the inbox: kept
    // here so a page of chats reads no messages.
    lastMessagePreview: text("last_message_preview"),
  },
  (t) => [
    primaryKey({ columns: [t.id, t.accountId] }),
    // One OPEN chat per connection and contact.
    uniqueIndex("chats_open_contact_key")
      .on(t.connectionId, t.contact, t.accountId)
      .where(sql`${t.status} = 'OPEN'`),
    // The inbox (latest first) and the API's listings (oldest first), keyset-paginated on (time, id).
    index("chats_account_recent_idx").on(t.accountId, t.lastMessageAt, t.id),
    index("chats_integration_opened_idx").on(t.integrationId, t.openedAt, t.id),
    index("chats_connection_opened_idx").on(t.connectionId, t.openedAt, t.id),
    // The delivery log's contact filter finds the contact's chats first.
    index("chats_account_contact_idx").on(t.accountId, t.contact),
    index("chats_open_idle_idx")
      .on(t.lastMessageAt)
      .where(sql`${t.status} = 'OPEN'`),
    // Retention: closed chats leave once their account's period has passed since they closed.
    index("chats_closed_idx")
      .on(t.accountId, t.closedAt)
      .where(sql`${t.status} = 'CLOSED'`),
  ],
);

export const messages = pgTable(
  "messages",
  {
    id: uuid("id").notNull().defaultRandom(),
    accountId: accountScope(),
    chatId: uuid("chat_id").notNull(),
    direction: directionEnum("direction").notNull(),
    text: text("text"),
    multimediaUrl: text("multimedia_url"),
    multimediaCaption: text("multimedia_caption"),
    // Outbound: the channel provider's id for the message, once it has one. (An inbound message's is in
    // inbound_message_ids, stored once.)
    externalId: text("external_id"),
    // Outbound only: whether the channel accepted it.
    sendStatus: text("send_status", { enum: ["QUEUED", "SENT", "FAILED"] }),
    sendError: text("send_error"),
    createdAt: createdAt(),
    expiresOn: expiresOn(),
  },
  (t) => [
    primaryKey({ columns: [t.id, t.expiresOn, t.accountId] }),
    index("messages_chat_idx").on(t.chatId, t.createdAt),
  ],
);

// Providers deliver a webhook again when they are unsure it arrived (WhatsApp retries for days): the
// provider's message id stores an inbound message once, and finds its first answer. (A unique index on
// the partitioned messages could only be unique within one day's partition.) Expires with the message.
export const inboundMessageIds = pgTable(
  "inbound_message_ids",
  {
    accountId: uuid("account_id").notNull(),
    externalId: text("external_id").notNull(),
    chatId: uuid("chat_id").notNull(),
    messageId: uuid("message_id").notNull(),
    expiresOn: expiresOn(),
  },
  (t) => [
    // Led by the provider's id: a webhook's messages are looked up before their account is known. On its
    // MD5 (16 bytes; provider ids run to 40–60 characters): the index is a third the size. Lookups then
    // compare the id itself too.
    uniqueIndex("inbound_message_ids_key").on(sql`(md5(${t.externalId})::uuid)`, t.accountId),
    index("inbound_message_ids_expires_idx").on(t.expiresOn),
  ],
);

// ---------------------------------------------------------------- delivery

// One row per event per integration: the outbox the workers claim from.
export const deliveries = pgTable(
  "deliveries",
  {
    id: uuid("id").notNull().defaultRandom(),
    accountId: accountScope(),
    integrationId: uuid("integration_id").notNull(),
    // Null only for test events (Send test event), which belong to no chat.
    chatId: uuid("chat_id"),
    // The message that made the event, if any (kept as long as the delivery: same expiry day).
    messageId: uuid("message_id"),
    // Insert order; a chat's deliveries go out in this order. (A sequence: identity columns on
    // partitioned tables need PostgreSQL 17.)
    seq: bigint("seq", { mode: "number" })
      .notNull()
      .default(sql`nextval('deliveries_seq_seq')`),
    event: eventTypeEnum("event").notNull(),
    // The event's variables at the time it happened; requests are rebuilt from it on each attempt.
    payload: jsonb("payload").$type<Record<string, unknown>>().notNull(),
    // Pending, Retrying, Succeeded or Failed as written; Delivering while its queue row is leased (the
    // read functions in lib/data/deliveries.ts show it).
    status: deliveryStatusEnum("status").notNull().default("PENDING"),
    // Every attempt ever made (attempt numbers keep counting across a Resend or Replay).
    attempts: integer("attempts").notNull().default(0),
    // The retry window (max attempts, max age) starts at creation and again at each Resend or Replay.
    windowStartedAt: tz("window_started_at").notNull().defaultNow(),
    attemptsBeforeWindow: integer("attempts_before_window").notNull().default(0),
    // When it is (or was) due; the queue's copy is the one workers go by.
    nextAttemptAt: tz("next_attempt_at").notNull().defaultNow(),
    lastStatusCode: integer("last_status_code"),
    lastError: text("last_error"),
    lastLatencyMs: integer("last_latency_ms"),
    // Test events from the wizard are not part of a chat's ordered stream.
    isTest: boolean("is_test").notNull().default(false),
    createdAt: createdAt(),
    completedAt: tz("completed_at"),
    expiresOn: expiresOn(),
  },
  // No index here covers a column that changes after insert: recording an attempt's outcome then
  // updates the row in place (HOT, with the fillfactor of migration 0016), touching no index.
  (t) => [
    primaryKey({ columns: [t.id, t.expiresOn, t.accountId] }),
    // A chat's deliveries (a few; the reads sort them): on the chat alone, so the index deduplicates them
    // into one entry per chat and day.
    index("deliveries_chat_idx").on(t.chatId),
    check("deliveries_chat_unless_test", sql`${t.isTest} OR ${t.chatId} IS NOT NULL`),
    // Every read names the integration, the chat or the delivery: no index by account alone (each
    // index is one more write per event). The log, newest first, keyset-paginated on (created_at, seq).
    index("deliveries_integration_log_idx").on(t.integrationId, t.createdAt, t.seq),
  ],
);

// The deliveries that ended Failed or Skipped — a few in a hundred — for the log's status filter and
// Replay failed, which would otherwise walk an integration's whole history to find them. Kept by the
// trigger of migration 0009 on deliveries (a status index there would cost every completion its
// in-place update); rows expire with their delivery's day (lib/webhooks/retention.ts).
export const unsuccessfulDeliveries = pgTable(
  "unsuccessful_deliveries",
  {
    deliveryId: uuid("delivery_id").notNull(),
    expiresOn: expiresOn(),
    accountId: uuid("account_id").notNull(),
    integrationId: uuid("integration_id").notNull(),
    chatId: uuid("chat_id"),
    status: deliveryStatusEnum("status").notNull(),
    createdAt: tz("created_at").notNull(),
    seq: bigint("seq", { mode: "number" }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.deliveryId, t.accountId] }),
    index("unsuccessful_deliveries_log_idx").on(t.integrationId, t.status, t.createdAt, t.seq),
    index("unsuccessful_deliveries_expires_idx").on(t.expiresOn),
  ],
);

// The Deliveries tab's chart, per integration and minute of creation: how many of that minute's
// deliveries are in each status now, and (latency_bucket) how long the last attempt of the finished
// ones took. Written by the statement triggers of migration 0010 on deliveries as rows of changes
// (+1 to the new status, -1 to the old: inserts only, so no writer waits for another), then folded
// into one row per (integration, minute, bucket) by lib/webhooks/rollups.ts. A read sums the rows.
export const deliveryMinutes = pgTable(
  "delivery_minutes",
  {
    accountId: uuid("account_id").notNull(),
    integrationId: uuid("integration_id").notNull(),
    minute: tz("minute").notNull(),
    // latency_bucket() of the last attempt's duration (Succeeded, Failed, Retrying); null before one.
    latencyBucket: smallint("latency_bucket"),
    pending: integer("pending").notNull().default(0),
    retrying: integer("retrying").notNull().default(0),
    succeeded: integer("succeeded").notNull().default(0),
    failed: integer("failed").notNull().default(0),
    skipped: integer("skipped").notNull().default(0),
    // Whether this row is the sum of earlier ones (false: a change the next fold takes in).
    folded: boolean("folded").notNull().default(false),
  },
  (t) => [
    index("delivery_minutes_chart_idx").on(t.integrationId, t.minute),
    // The changes not yet folded, by integration (the Succeeded filter adds them to the hours).
    index("delivery_minutes_unfolded_idx")
      .on(t.integrationId, t.minute)
      .where(sql`NOT ${t.folded}`),
  ],
);

// Per integration and hour of creation, how many deliveries have Succeeded: the rollup fold adds the
// minutes' changes here as it folds them (lib/webhooks/rollups.ts), Send test event its test events
// (which the minutes leave out and which are never sent again), and retention keeps the hours as long
// as the account keeps deliveries. The Succeeded filter reads the hours (and the changes not yet folded)
// to skip the hours without one (an integration whose receiver has been down for days has thousands of
// unfinished deliveries on top). Never less than the deliveries there are (deleting deliveries subtracts
// nothing), so a read may look at an hour for nothing but never misses one.
export const deliveryHours = pgTable(
  "delivery_hours",
  {
    accountId: uuid("account_id").notNull(),
    integrationId: uuid("integration_id").notNull(),
    hour: tz("hour").notNull(),
    succeeded: integer("succeeded").notNull(),
  },
  (t) => [primaryKey({ columns: [t.integrationId, t.hour, t.accountId] })],
);

// A campaign's Report, all time: messages in and out, chats opened and closed, and its chats' deliveries
// by where they are now (waiting = Pending, Delivering or Retrying). Triggers of migration 0012 on chats,
// messages and deliveries append rows of changes; lib/webhooks/rollups.ts folds them into one row per
// campaign, so a Report reads a few rows however many chats the campaign had. Retention does not subtract:
// the Report counts what happened, including what has since expired.
export const campaignTallies = pgTable(
  "campaign_tallies",
  {
    // No foreign key: a trigger's append must never fail an ingest because the campaign went away in the
    // meantime. The fold drops the rows of campaigns that no longer exist.
    campaignId: uuid("campaign_id").notNull(),
    // The campaign's account, as the chat that wrote the row has it (see ACCOUNT_KEYED_TABLES).
    accountId: uuid("account_id").notNull(),
    messagesIn: integer("messages_in").notNull().default(0),
    messagesOut: integer("messages_out").notNull().default(0),
    chatsOpen: integer("chats_open").notNull().default(0),
    chatsClosed: integer("chats_closed").notNull().default(0),
    deliveriesWaiting: integer("deliveries_waiting").notNull().default(0),
    deliveriesSucceeded: integer("deliveries_succeeded").notNull().default(0),
    deliveriesFailed: integer("deliveries_failed").notNull().default(0),
    deliveriesSkipped: integer("deliveries_skipped").notNull().default(0),
    folded: boolean("folded").notNull().default(false),
  },
  (t) => [
    index("campaign_tallies_campaign_idx").on(t.campaignId),
    index("campaign_tallies_unfolded_idx")
      .on(t.campaignId)
      .where(sql`NOT ${t.folded}`),
  ],
);

// The work queue: one narrow row per unfinished delivery (Pending, Retrying or Delivering), deleted
// once it succeeds or fails. Workers claim from here; the busy updates (lease on claim, removal on
// completion) stay on a small row with few indexes. Requeueing (Resend, Replay) inserts the row again.
export const deliveryQueue = pgTable(
  "delivery_queue",
  {
    deliveryId: uuid("delivery_id").notNull(),
    // The delivery's partition: claims and completions address one partition per row. A deliveries
    // partition with queue rows is never dropped (nothing unfinished expires).
    expiresOn: expiresOn(),
    // Copies of the delivery's, so a claim reads this table only.
    accountId: uuid("account_id").notNull(),
    integrationId: uuid("integration_id").notNull(),
    chatId: uuid("chat_id").notNull(),
    seq: bigint("seq", { mode: "number" }).notNull(),
    // What a claim hands the worker, copied too: a claim then never reads the deliveries, whose pages of a
    // backlog's older days are seldom in memory (at 10 M deliveries that read was 3/4 of a claim's time).
    event: eventTypeEnum("event").notNull(),
    payload: jsonb("payload").$type<Record<string, unknown>>().notNull(),
    // The delivery's retry window (a Resend, Replay or release after a Start renews both copies).
    windowStartedAt: tz("window_started_at").notNull(),
    attemptsBeforeWindow: integer("attempts_before_window").notNull(),
    // When it is claimable: the due time, or 'infinity' while its integration is stopped (it waits for
    // Start, out of the due index's range, so claims never look at it; see lib/webhooks/waiting.ts).
    nextAttemptAt: tz("next_attempt_at").notNull().defaultNow(),
    // Set by a claim; a delivery leased by a worker that died is claimable again once this passes.
    leaseExpiresAt: tz("lease_expires_at"),
    // When the lease was taken: the start of an attempt whose outcome never came (LEASE_EXPIRED).
    leasedAt: tz("leased_at"),
    leasedBy: text("leased_by"),
    // The attempt the lease was taken for: a late outcome of an older lease is recognised and dropped.
    attempts: integer("attempts").notNull().default(0),
    // The delivery's written status, Pending or Retrying (set with the retry's next time, which
    // rewrites the indexed row anyway): the log's filters for unfinished deliveries read the queue.
    status: deliveryStatusEnum("status").notNull().default("PENDING"),
    // Held behind an earlier event of its chat that is still queued: it cannot go before that one has, so
    // claims do not look at it (the due index leaves it out). Set when it is queued behind an event that
    // cannot leave meanwhile, cleared when the last earlier one leaves (migration 0015's trigger). Only
    // ever a shortcut: the claim's order check is what keeps a chat's order.
    blocked: boolean("blocked").notNull().default(false),
  },
  (t) => [
    primaryKey({ columns: [t.deliveryId, t.accountId] }),
    index("delivery_queue_due_idx")
      .on(t.nextAttemptAt)
      .where(sql`NOT ${t.blocked}`),
    // The claim's round robin (lib/webhooks/claim.ts): each integration's due deliveries in due order,
    // and the integrations that have any, one index probe each.
    index("delivery_queue_fair_idx")
      .on(t.integrationId, t.nextAttemptAt)
      .where(sql`NOT ${t.blocked}`),
    index("delivery_queue_log_idx").on(t.integrationId, t.status, t.seq),
    // Per-chat ordering asks "is an earlier event of this chat still unfinished?" on every claim; led by
    // the integration, the same index finds (and counts) an integration's waiting deliveries.
    index("delivery_queue_integration_chat_idx").on(t.integrationId, t.chatId, t.seq),
  ],
);

// How an integration's endpoint is doing, as every worker sees it (lib/webhooks/health.ts): no row while
// it answers. A row counts a run of attempts that failed and will be retried (receiver down, 5xx,
// timeouts); at CIRCUIT_BREAKER_FAILURES of them over at least CIRCUIT_BREAKER_MINUTES the endpoint is
// Failing (failing_since): claims leave its deliveries alone but for one probe at a time, each after a
// longer pause, and the first success deletes the row and resumes delivery. held_until also holds an
// endpoint that answered 429 until its Retry-After has passed (one pause for all its deliveries).
export const integrationHealth = pgTable("integration_health", {
  integrationId: uuid("integration_id")
    .primaryKey()
    .references(() => integrations.id, { onDelete: "cascade" }),
  failureStreak: integer("failure_streak").notNull().default(0),
  streakStartedAt: tz("streak_started_at"),
  lastError: text("last_error"),
  lastFailureAt: tz("last_failure_at"),
  failingSince: tz("failing_since"),
  // Failed probes since it became Failing: the next pause doubles with each.
  probes: integer("probes").notNull().default(0),
  // Claims take none of its deliveries before this (the next probe's time while Failing; a 429's pause).
  heldUntil: tz("held_until"),
});

// The pace of each integration with a maximum delivery rate (lib/webhooks/pace.ts): when its bucket of
// requests is next empty. Every claim that takes its deliveries locks the row and moves the time on by
// what it took, so all workers together keep the rate. One row per paced integration, written by the
// trigger of migration 0021 when the rate is set, removed when it is cleared.
export const deliveryPace = pgTable("delivery_pace", {
  integrationId: uuid("integration_id")
    .primaryKey()
    .references(() => integrations.id, { onDelete: "cascade" }),
  nextAt: tz("next_at").notNull().defaultNow(),
});

// Integrations started while deliveries waited for them: workers (and the Start itself) release the
// waiting queue rows in chunks until none is left, then delete the row. Written by the status trigger
// of migration 0006, so a crash half-way leaves the work to any other worker.
export const deliveryReleases = pgTable("delivery_releases", {
  integrationId: uuid("integration_id")
    .primaryKey()
    .references(() => integrations.id, { onDelete: "cascade" }),
  createdAt: createdAt(),
});

export const deliveryAttempts = pgTable(
  "delivery_attempts",
  {
    deliveryId: uuid("delivery_id").notNull(),
    // The delivery's account: an attempt is only ever read through its delivery (which is scoped to the
    // account), but a table distributed by account needs it (see ACCOUNT_KEYED_TABLES).
    accountId: uuid("account_id").notNull(),
    attemptNumber: integer("attempt_number").notNull(),
    // The delivery's: an attempt leaves with its delivery.
    expiresOn: expiresOn(),
    startedAt: tz("started_at").notNull(),
    durationMs: integer("duration_ms").notNull(),
    // Method, URL, headers (secrets masked) and body as sent, and the response's headers and first 4 KB
    // of body: packed (lib/webhooks/attempt-log.ts), the request left out when it repeats an earlier
    // attempt's (request_repeats). The plain json/text columns hold what was stored before packing, and
    // the request of an attempt whose worker stopped (only its method and URL are known).
    requestPacked: bytea("request_packed"),
    requestRepeats: smallint("request_repeats"),
    responsePacked: bytea("response_packed"),
    request: json("request").$type<{
      method: string;
      url: string;
      headers: Record<string, string>;
      body: string | null;
    }>(),
    responseStatus: integer("response_status"),
    responseHeaders: json("response_headers").$type<Record<string, string>>(),
    responseBody: text("response_body"),
    errorClass: attemptErrorEnum("error_class"),
    errorMessage: text("error_message"),
  },
  // No unique key: every attempt row is written by whoever holds its delivery's queue row as leased for
  // that attempt (lib/webhooks/complete.ts, lostAttemptsCte), so attempt numbers cannot repeat; and
  // without one the index on the delivery is deduplicated, one entry for all of a delivery's attempts
  // (a unique key would have to carry the expiry day and the account too: 3 × 52 bytes per delivery).
  (t) => [index("delivery_attempts_delivery_idx").on(t.deliveryId)],
);

// Partitions whose indexes have been rebuilt packed once their day's writes were over
// (lib/webhooks/compaction.ts). Rows of partitions that are gone are removed by the same maintenance.
export const compactedPartitions = pgTable("compacted_partitions", {
  partition: text("partition").primaryKey(),
  compactedAt: tz("compacted_at").notNull().defaultNow(),
});

// The counters of the limits shared by all processes (lib/api/rate-limit.ts), in rate-limiter-flexible's
// layout: key (prefixed by the limit's name), points used in the window, when the window ends (ms).
// UNLOGGED (migration 0018): a crash may reset them, and writing one costs no WAL flush.
export const rateLimits = pgTable("rate_limits", {
  key: varchar("key", { length: 255 }).primaryKey(),
  points: integer("points").notNull().default(0),
  expire: bigint("expire", { mode: "number" }),
});

// Idempotency-Key records of the external API: same key + same body within 24 h → same answer.
export const idempotencyKeys = pgTable(
  "idempotency_keys",
  {
    accountId: accountRef(),
    key: text("key").notNull(),
    requestHash: text("request_hash").notNull(),
    responseStatus: integer("response_status").notNull(),
    responseBody: jsonb("response_body").notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.key] })],
);

export type Account = typeof accounts.$inferSelect;
export type User = typeof users.$inferSelect;
export type ApiKey = typeof apiKeys.$inferSelect;
export type Session = typeof sessions.$inferSelect;
export type Connection = typeof connections.$inferSelect;
export type NewConnection = typeof connections.$inferInsert;
export type Integration = typeof integrations.$inferSelect;
export type NewIntegration = typeof integrations.$inferInsert;
export type Campaign = typeof campaigns.$inferSelect;
export type NewCampaign = typeof campaigns.$inferInsert;
export type Chat = typeof chats.$inferSelect;
export type Message = typeof messages.$inferSelect;
export type Delivery = typeof deliveries.$inferSelect;
export type NewDelivery = typeof deliveries.$inferInsert;
export type DeliveryAttempt = typeof deliveryAttempts.$inferSelect;
export type DeliveryQueueRow = typeof deliveryQueue.$inferSelect;
export type InboundMessageId = typeof inboundMessageIds.$inferSelect;
export type UnsuccessfulDelivery = typeof unsuccessfulDeliveries.$inferSelect;
export type DeliveryMinute = typeof deliveryMinutes.$inferSelect;
export type DeliveryHour = typeof deliveryHours.$inferSelect;
export type CampaignTally = typeof campaignTallies.$inferSelect;
export type Channel = (typeof channelEnum.enumValues)[number];
export type HttpMethod = (typeof httpMethodEnum.enumValues)[number];
export type DeliveryStatus = (typeof deliveryStatusEnum.enumValues)[number];
export type EventType = (typeof eventTypeEnum.enumValues)[number];

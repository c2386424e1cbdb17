// Email: over SMTP (nodemailer) when SMTP_URL is set; printed to the console in local mode
// (MAIL_CONSOLE); otherwise unavailable — never a silent drop.
import nodemailer, { type Transporter } from "nodemailer";

import { env } from "@/lib/env";

export interface Mail {
  to: string;
  subject: string;
  text: string;
}

/** Thrown when this server has no way to send email (production without SMTP_URL). */
export class MailUnavailable extends Error {
  readonly code = "MAIL_UNAVAILABLE";
  constructor() {
    super("Email is not set up on this server (SMTP_URL)");
    this.name = "MailUnavailable";
  }
}

/** Thrown when the SMTP server did not take the mail (down, refused, timed out). */
export class MailNotSent extends Error {
  readonly code = "MAIL_NOT_SENT";
  constructor(cause: unknown) {
    super("The SMTP server did not take the mail", { cause });
    this.name = "MailNotSent";
  }
}

// Recognised by code, not class: Next.js may bundle this module more than once.
const hasCode = (err: unknown, code: string) => (err as { code?: unknown } | null)?.code === code;
export const isMailUnavailable = (err: unknown) => hasCode(err, "MAIL_UNAVAILABLE");
export const isMailNotSent = (err: unknown) => hasCode(err, "MAIL_NOT_SENT");

type Send = (mail: Mail) => Promise<void>;

const globalForMail = globalThis as unknown as { __mailTransport?: { url: string; transport: Transporter } };

function smtp(url: string, from: string): Send {
  // One pooled transport per process and URL (tests may point the URL elsewhere between files).
  if (globalForMail.__mailTransport?.url !== url) {
    void globalForMail.__mailTransport?.transport.close();
    globalForMail.__mailTransport = {
      url,
      // Seconds, not nodemailer's minutes: a person is waiting on the form.
      transport: nodemailer.createTransport({
        url,
        connectionTimeout: 10_000,
        greetingTimeout: 10_000,
        socketTimeout: 20_000,
      }),
    };
  }
  const { transport } = globalForMail.__mailTransport;
  return async (mail) => {
    try {
      await transport.sendMail({ from, ...mail });
    } catch (err) {
      throw new MailNotSent(err);
    }
  };
}

// Local mode: the developer reads the mail (and its link) in the server's console.
const toConsole: Send = async ({ to, subject, text }) => {
  console.log(
    `\n[mail] not sent (local mode, no SMTP_URL) — to ${to}\n  Subject: ${subject}\n\n${text.replace(/^/gm, "  ")}\n`,
  );
};

/** Whether this server can send email at all. */
export function canSendMail(): boolean {
  const e = env();
  return !!e.SMTP_URL || e.MAIL_CONSOLE;
}

/** Sends one email; throws MailUnavailable when the server has no way to, MailNotSent when SMTP failed. */
export async function sendMail(mail: Mail): Promise<void> {
  const e = env();
  if (e.SMTP_URL) return smtp(e.SMTP_URL, e.MAIL_FROM!)(mail);
  if (e.MAIL_CONSOLE) return toConsole(mail);
  throw new MailUnavailable();
}

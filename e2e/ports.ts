// Ports of one e2e run: the app (E2E_PORT) and the fake SMTP server its emails go to (E2E_SMTP_PORT,
// Default: the app's + 1000), started by the tests that read mail (see mailbox in helpers.ts).
export const appPort = Number(process.env.E2E_PORT ?? 3211);
export const smtpPort = Number(process.env.E2E_SMTP_PORT ?? appPort + 1000);

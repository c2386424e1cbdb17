import { describe, expect, it, vi } from "vitest";

import { canSendMail, sendMail } from ".";

describe("mail in local mode (MAIL_CONSOLE, no SMTP_URL)", () => {
  it("prints the mail, its link included, to the console instead of sending it", async () => {
    delete process.env.SMTP_URL;
    process.env.MAIL_CONSOLE = "true";
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    expect(canSendMail()).toBe(true);
    await sendMail({ to: "dev@example.test", subject: "Finish", text: "http://localhost:3000/x?token=abc" });
    const printed = log.mock.calls.map((c) => String(c[0])).join("\n");
    expect(printed).toContain("to dev@example.test");
    expect(printed).toContain("Subject: Finish");
    expect(printed).toContain("http://localhost:3000/x?token=abc");
    log.mockRestore();
  });
});

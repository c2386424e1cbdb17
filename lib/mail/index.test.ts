import { describe, expect, it } from "vitest";

import { canSendMail, isMailUnavailable, sendMail } from ".";

describe("mail without SMTP_URL outside local mode", () => {
  it("is refused, never dropped in silence", async () => {
    delete process.env.SMTP_URL;
    delete process.env.MAIL_CONSOLE;
    expect(canSendMail()).toBe(false);
    const sent = sendMail({ to: "someone@example.test", subject: "Hello", text: "a link" });
    await expect(sent).rejects.toSatisfy(isMailUnavailable);
  });
});

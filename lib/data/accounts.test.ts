import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";

import { db } from "@/db";
import { users } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { createTestAccount, TEST_PASSWORD } from "@/lib/testing/accounts";

import { createAccountWithOwner, getAccount, verifyCredentials } from "./accounts";

describe("sign-up and sign-in", () => {
  it("creates an account with its owner and stores only an argon2id hash", async () => {
    const user = await createTestAccount("Signup");
    const account = await getAccount(user.accountId);
    expect(account?.name).toBe("Signup account");
    const [row] = await db().select().from(users).where(eq(users.id, user.id));
    expect(row?.role).toBe("OWNER");
    expect(row?.passwordHash).toMatch(/^\$argon2id\$/);
    expect(row?.passwordHash).not.toContain(TEST_PASSWORD);
  });

  it("signs in with the right password, case-insensitively on the email", async () => {
    const user = await createTestAccount("Signin");
    const found = await verifyCredentials(user.email.toUpperCase(), TEST_PASSWORD);
    expect(found).toEqual({ id: user.id, accountId: user.accountId, email: user.email, name: user.name });
  });

  it("refuses a wrong password and an unknown email alike", async () => {
    const user = await createTestAccount("Wrong");
    expect(await verifyCredentials(user.email, "not the password")).toBeNull();
    expect(await verifyCredentials("nobody-here@example.test", TEST_PASSWORD)).toBeNull();
  });

  it("refuses a taken email with a field error", async () => {
    const user = await createTestAccount("Dup");
    const attempt = createAccountWithOwner({
      name: "Other",
      accountName: "Other",
      email: user.email.toUpperCase(),
      password: "another password",
    });
    await expect(attempt).rejects.toBeInstanceOf(AppError);
    await expect(attempt).rejects.toMatchObject({
      code: "CONFLICT",
      fieldErrors: { email: [expect.any(String)] },
    });
  });

  it("validates sign-up input", async () => {
    await expect(
      createAccountWithOwner({ name: "", accountName: "x", email: "not-an-email", password: "short" }),
    ).rejects.toThrow();
  });
});

import { randomUUID } from "node:crypto";

import { createAccountWithOwner } from "@/lib/data/accounts";

export const TEST_PASSWORD = "correct horse battery";

/** A brand-new account and owner for one test, so tests never share mutable data. */
export async function createTestAccount(label = "Test") {
  const email = `${label.toLowerCase().replace(/\W+/g, "-")}-${randomUUID().slice(0, 8)}@example.test`;
  const user = await createAccountWithOwner({
    name: `${label} Owner`,
    accountName: `${label} account`,
    email,
    password: TEST_PASSWORD,
  });
  return { ...user, password: TEST_PASSWORD };
}

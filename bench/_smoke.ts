import { closeDb } from "@/db";
import { createApiKey } from "@/lib/data/api-keys";
import { createTestAccount } from "@/lib/testing/accounts";
import { createTestConnection, createTestIntegration } from "@/lib/testing/integrations";
import { startReceiver } from "@/lib/testing/receiver";
import { generateSigningSecret } from "@/lib/webhooks/sign";
import { ensureLocalSecrets } from "../scripts/lib/local-env";
async function main() {
  ensureLocalSecrets();
  const secret = generateSigningSecret();
  const receiver = await startReceiver({ secrets: [secret], port: 4233 });
  const { accountId } = await createTestAccount("Smoke");
  const { key } = await createApiKey(accountId, "smoke");
  const c = await createTestConnection(accountId);
  await createTestIntegration(accountId, { url: `${receiver.url}/hook`, signingSecret: secret, connectionIds: [c.id] });
  const t = Date.now();
  const res = await fetch(`http://127.0.0.1:3232/api/v1/connections/${c.id}/inbound`, { method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/json" }, body: JSON.stringify({ from: "+15551112222", text: "hello from smoke" }) });
  console.log(res.status, await res.text());
  await receiver.waitFor((r) => r.length === 1, 10000);
  console.log("delivered in", Date.now() - t, "ms", receiver.requests[0]!.body);
  const m = await fetch("http://127.0.0.1:3232/api/metrics").then((r) => r.text());
  console.log(m.split("\n").filter((l) => l.startsWith("webhook_")).slice(0, 12).join("\n"));
  await receiver.close();
  await closeDb();
}
void main();

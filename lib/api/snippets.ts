// Code samples for the API Details tab: one request in curl, JavaScript (fetch) and Python (requests).
// Pure functions, safe in the browser.

export interface SampleRequest {
  method: string;
  url: string;
  /** JSON body, if the route takes one. */
  body?: unknown;
}

const KEY_PLACEHOLDER = "$CUSTOM_WEBHOOK_API_KEY";

export function curlSnippet({ method, url, body }: SampleRequest): string {
  const lines = [
    `curl -X ${method.toUpperCase()} '${url}'`,
    `  -H "Authorization: Bearer ${KEY_PLACEHOLDER}"`,
  ];
  if (body !== undefined) {
    lines.push(`  -H 'Content-Type: application/json'`, `  -H "Idempotency-Key: $(uuidgen)"`);
    lines.push(`  --data '${JSON.stringify(body).replace(/'/g, `'\\''`)}'`);
  }
  return lines.join(" \\\n");
}

export function javascriptSnippet({ method, url, body }: SampleRequest): string {
  const headers = [`    Authorization: \`Bearer \${process.env.CUSTOM_WEBHOOK_API_KEY}\`,`];
  if (body !== undefined)
    headers.push(`    "Content-Type": "application/json",`, `    "Idempotency-Key": crypto.randomUUID(),`);
  const lines = [
    `const response = await fetch("${url}", {`,
    `  method: "${method.toUpperCase()}",`,
    `  headers: {`,
    ...headers,
    `  },`,
  ];
  if (body !== undefined)
    lines.push(`  body: JSON.stringify(${JSON.stringify(body, null, 2).replace(/\n/g, "\n  ")}),`);
  lines.push(`});`, `console.log(response.status, await response.json());`);
  return lines.join("\n");
}

export function pythonSnippet({ method, url, body }: SampleRequest): string {
  const lines = [
    "import os",
    "import uuid",
    "",
    "import requests",
    "",
    `response = requests.${method.toLowerCase()}(`,
    `    "${url}",`,
  ];
  const headers = [`"Authorization": f"Bearer {os.environ['CUSTOM_WEBHOOK_API_KEY']}"`];
  if (body !== undefined) headers.push(`"Idempotency-Key": str(uuid.uuid4())`);
  lines.push(`    headers={${headers.join(", ")}},`);
  if (body !== undefined) lines.push(`    json=${toPython(body)},`);
  lines.push(`    timeout=15,`, `)`, `print(response.status_code, response.json())`);
  return lines.join("\n");
}

// JSON as a Python literal (null/true/false differ).
function toPython(value: unknown): string {
  if (value === null) return "None";
  if (value === true) return "True";
  if (value === false) return "False";
  if (Array.isArray(value)) return `[${value.map(toPython).join(", ")}]`;
  if (typeof value === "object") {
    return `{${Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${JSON.stringify(k)}: ${toPython(v)}`)
      .join(", ")}}`;
  }
  return JSON.stringify(value);
}

/** How receivers check our signatures with the Standard Webhooks libraries. */
export const VERIFY_SNIPPETS = {
  javascript: `import { Webhook } from "standardwebhooks"; // npm install standardwebhooks

const webhook = new Webhook(process.env.SIGNING_SECRET); // the integration's whsec_… secret

// rawBody: the request body exactly as received (a string, before JSON parsing)
const event = webhook.verify(rawBody, {
  "webhook-id": req.headers["webhook-id"],
  "webhook-timestamp": req.headers["webhook-timestamp"],
  "webhook-signature": req.headers["webhook-signature"],
}); // throws if the signature or timestamp is wrong
// webhook-id is the same on every retry: use it to ignore duplicates.`,
  python: `from standardwebhooks.webhooks import Webhook  # pip install standardwebhooks

webhook = Webhook(os.environ["SIGNING_SECRET"])  # the integration's whsec_… secret

# raw_body: the request body exactly as received (bytes or str, before JSON parsing)
event = webhook.verify(raw_body, {
    "webhook-id": request.headers["webhook-id"],
    "webhook-timestamp": request.headers["webhook-timestamp"],
    "webhook-signature": request.headers["webhook-signature"],
})  # raises if the signature or timestamp is wrong`,
};

"use client";

import { useQuery } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";

import { CopyButton } from "@/components/ui/copy-button";
import { Table, Td } from "@/components/ui/table";
import { Tabs, TabsContent, TabsList, TabsTrigger } from "@/components/ui/tabs";
import { curlSnippet, javascriptSnippet, pythonSnippet, VERIFY_SNIPPETS } from "@/lib/api/snippets";
import type { IntegrationSummary } from "@/lib/data/integrations";
import { fetchJson } from "@/lib/json";

// The parts of an OpenAPI 3.1 document this tab reads.
interface Schema {
  $ref?: string;
  type?: string | string[];
  description?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  enum?: unknown[];
  anyOf?: Schema[];
  items?: Schema;
  format?: string;
}
interface Parameter {
  in: "path" | "query" | "header";
  name: string;
  required?: boolean;
  description?: string;
  schema?: Schema;
}
interface MediaType {
  schema?: Schema;
  example?: unknown;
}
interface Operation {
  operationId?: string;
  summary?: string;
  description?: string;
  parameters?: Parameter[];
  requestBody?: { content: Record<string, MediaType> };
  responses: Record<string, { description: string; content?: Record<string, MediaType> }>;
}
interface OpenApiDoc {
  servers?: { url: string }[];
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
  webhooks?: Record<string, Record<string, Operation>>;
}

const resolve = (doc: OpenApiDoc, schema: Schema | undefined): Schema | undefined =>
  schema?.$ref ? doc.components?.schemas?.[schema.$ref.split("/").pop()!] : schema;

function typeOf(doc: OpenApiDoc, raw: Schema | undefined): string {
  const schema = resolve(doc, raw);
  if (!schema) return "";
  if (raw?.$ref) return raw.$ref.split("/").pop()!;
  if (schema.enum) return schema.enum.map((v) => JSON.stringify(v)).join(" | ");
  if (schema.anyOf) return schema.anyOf.map((s) => typeOf(doc, s)).join(" | ");
  if (schema.type === "array") return `${typeOf(doc, schema.items)}[]`;
  const type = Array.isArray(schema.type) ? schema.type.join(" | ") : (schema.type ?? "object");
  return schema.format ? `${type} (${schema.format})` : type;
}

/** Fields of an object schema, nested objects flattened with dots (multimedia.url). */
function fieldsOf(
  doc: OpenApiDoc,
  raw: Schema | undefined,
  prefix = "",
): { name: string; type: string; required: boolean; description: string }[] {
  const schema = resolve(doc, raw);
  if (!schema?.properties) return [];
  return Object.entries(schema.properties).flatMap(([name, child]) => {
    const full = prefix + name;
    const resolved = resolve(doc, child);
    const row = {
      name: full,
      type: typeOf(doc, child),
      required: schema.required?.includes(name) ?? false,
      description: resolved?.description ?? child.description ?? "",
    };
    return resolved?.properties && !child.$ref ? [row, ...fieldsOf(doc, resolved, `${full}.`)] : [row];
  });
}

const pretty = (value: unknown) => JSON.stringify(value, null, 2);

function CodeBlock({ code, label }: { code: string; label: string }) {
  return (
    <div className="relative">
      <pre
        tabIndex={0}
        className="overflow-x-auto rounded-md bg-slate-900 p-3 pr-20 text-xs leading-5 text-slate-100"
      >
        <code>{code}</code>
      </pre>
      <CopyButton text={code} label="Copy" aria-label={`Copy ${label}`} className="absolute top-2 right-2" />
    </div>
  );
}

function Snippets({ method, url, body }: { method: string; url: string; body?: unknown }) {
  const request = { method, url, body };
  const languages = [
    { value: "curl", label: "curl", code: curlSnippet(request) },
    { value: "js", label: "JavaScript", code: javascriptSnippet(request) },
    { value: "python", label: "Python", code: pythonSnippet(request) },
  ];
  return (
    <Tabs defaultValue="curl">
      <TabsList aria-label="Code samples">
        {languages.map((l) => (
          <TabsTrigger key={l.value} value={l.value}>
            {l.label}
          </TabsTrigger>
        ))}
      </TabsList>
      {languages.map((l) => (
        <TabsContent key={l.value} value={l.value}>
          <CodeBlock code={l.code} label={`${l.label} sample`} />
        </TabsContent>
      ))}
    </Tabs>
  );
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <div className="flex flex-col gap-1.5">
      <h5 className="text-xs font-semibold tracking-wide text-slate-500 uppercase">{title}</h5>
      {children}
    </div>
  );
}

function Endpoint({
  doc,
  path,
  method,
  op,
  integrationId,
  origin,
  open,
}: {
  doc: OpenApiDoc;
  path: string;
  method: string;
  op: Operation;
  integrationId: string;
  origin: string;
  open: boolean;
}) {
  const url = origin + path.replace("{integrationId}", integrationId);
  const body = op.requestBody?.content["application/json"];
  const headers: [string, string, string][] = [
    ["Authorization", "required", "Bearer <API key> — create one under Settings → API keys"],
    ...(body ? ([["Content-Type", "required", "application/json"]] as [string, string, string][]) : []),
    ...(op.parameters ?? [])
      .filter((p) => p.in === "header")
      .map((p): [string, string, string] => [
        p.name,
        p.required ? "required" : "optional",
        p.description ?? "",
      ]),
  ];
  const params = (op.parameters ?? []).filter((p) => p.in !== "header");
  const bodyFields = fieldsOf(doc, body?.schema);
  return (
    <details open={open} className="group rounded-md border border-slate-200">
      <summary className="flex cursor-pointer items-center gap-2 px-3 py-2.5 text-sm">
        <span className="rounded bg-slate-800 px-1.5 py-0.5 font-mono text-xs font-semibold text-white uppercase">
          {method}
        </span>
        <span className="font-medium">{op.summary}</span>
      </summary>
      <div className="flex flex-col gap-4 border-t border-slate-200 px-3 py-3 text-sm">
        <Section title="URL Endpoint">
          <p className="font-mono text-xs break-all">{url}</p>
          {op.description && <p className="text-slate-600">{op.description}</p>}
        </Section>
        <Section title="Headers">
          <Table aria-label={`Headers of ${op.summary}`} stack>
            <tbody>
              {headers.map(([name, need, description]) => (
                <tr key={name}>
                  <Td className="w-40 font-mono text-xs">{name}</Td>
                  <Td className="w-20 text-xs text-slate-500">{need}</Td>
                  <Td className="text-xs">{description}</Td>
                </tr>
              ))}
            </tbody>
          </Table>
        </Section>
        {params.length > 0 && (
          <Section title="Parameters">
            <Table aria-label={`Parameters of ${op.summary}`} stack>
              <tbody>
                {params.map((p) => (
                  <tr key={`${p.in}-${p.name}`}>
                    <Td className="w-40 font-mono text-xs">{p.name}</Td>
                    <Td className="w-20 text-xs text-slate-500">{p.in}</Td>
                    <Td className="text-xs">
                      {typeOf(doc, p.schema)}
                      {p.name === "integrationId"
                        ? ` — ${integrationId}`
                        : p.description
                          ? ` — ${p.description}`
                          : ""}
                    </Td>
                  </tr>
                ))}
              </tbody>
            </Table>
          </Section>
        )}
        {body && (
          <Section title="Request body">
            {bodyFields.length > 0 && (
              <Table aria-label={`Body of ${op.summary}`} stack>
                <tbody>
                  {bodyFields.map((f) => (
                    <tr key={f.name}>
                      <Td className="w-40 font-mono text-xs">{f.name}</Td>
                      <Td className="w-20 text-xs text-slate-500">{f.required ? "required" : "optional"}</Td>
                      <Td className="text-xs">
                        {f.type}
                        {f.description ? ` — ${f.description}` : ""}
                      </Td>
                    </tr>
                  ))}
                </tbody>
              </Table>
            )}
          </Section>
        )}
        <Section title="Responses">
          <ul className="flex flex-col gap-2">
            {Object.entries(op.responses).map(([status, response]) => {
              const example = response.content?.["application/json"]?.example;
              return (
                <li key={status}>
                  <p className="text-xs">
                    <span
                      className={`mr-2 font-mono font-semibold ${status.startsWith("2") ? "text-green-700" : "text-red-700"}`}
                    >
                      {status}
                    </span>
                    {response.description}
                  </p>
                  {example !== undefined && (
                    <pre tabIndex={0} className="mt-1 overflow-x-auto rounded bg-slate-50 p-2 text-xs">
                      {pretty(example)}
                    </pre>
                  )}
                </li>
              );
            })}
          </ul>
        </Section>
        <Section title="Code samples">
          <Snippets method={method} url={url} body={body?.example} />
        </Section>
      </div>
    </details>
  );
}

/**
 * The API Details tab, rendered from the OpenAPI document: every endpoint with its URL, headers,
 * parameters, body and responses (with examples), code samples with this integration's id, and how to
 * verify the webhooks the platform sends.
 */
export function ApiDetails({ integration }: { integration: IntegrationSummary }) {
  const [origin] = useState(() => window.location.origin);
  const docQuery = useQuery({
    queryKey: ["openapi"],
    queryFn: () => fetchJson<OpenApiDoc>("/api/v1/openapi.json"),
    staleTime: Infinity,
  });
  if (docQuery.isError)
    return (
      <p className="text-sm text-red-700">Could not load the API description: {docQuery.error.message}</p>
    );
  if (!docQuery.data) return <p className="text-sm text-slate-600">Loading the API description…</p>;
  const doc = docQuery.data;
  const endpoints = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ path, method, op })),
  );
  const webhookExample = doc.webhooks?.MESSAGE?.post?.requestBody?.content["application/json"]?.example;
  return (
    <div className="flex flex-col gap-4">
      <p className="text-sm text-slate-700">
        Your systems call these endpoints with an API key. The full description is also available as{" "}
        <a href="/api/v1/openapi.json" className="text-brand-700 underline">
          OpenAPI 3.1
        </a>
        .
      </p>
      <div className="flex flex-col gap-2">
        {endpoints.map((e, i) => (
          <Endpoint
            key={`${e.method} ${e.path}`}
            doc={doc}
            {...e}
            integrationId={integration.id}
            origin={origin}
            open={i === 0}
          />
        ))}
      </div>
      <details className="rounded-md border border-slate-200">
        <summary className="cursor-pointer px-3 py-2.5 text-sm font-medium">
          Verifying our webhook signatures
        </summary>
        <div className="flex flex-col gap-3 border-t border-slate-200 px-3 py-3 text-sm text-slate-700">
          <p>
            Every request we send carries <code>webhook-id</code>, <code>webhook-timestamp</code> and{" "}
            <code>webhook-signature</code> headers (Standard Webhooks). Verify them with the
            integration&apos;s signing secret (Edit → Auth → Signing secret) before trusting the body. During
            a secret rotation both the new and the previous secret sign for 24 hours.
          </p>
          {webhookExample !== undefined && (
            <Section title="MESSAGE event (default Body mapping)">
              <pre tabIndex={0} className="overflow-x-auto rounded bg-slate-50 p-2 text-xs">
                {pretty(webhookExample)}
              </pre>
            </Section>
          )}
          <Section title="Node.js">
            <CodeBlock code={VERIFY_SNIPPETS.javascript} label="Node.js verification sample" />
          </Section>
          <Section title="Python">
            <CodeBlock code={VERIFY_SNIPPETS.python} label="Python verification sample" />
          </Section>
        </div>
      </details>
    </div>
  );
}

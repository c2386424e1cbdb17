"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";

import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { Input, Select, Textarea } from "@/components/ui/input";
import { RadioGroup } from "@/components/ui/radio-group";
import type { ChatOut } from "@/lib/api/representations";
import type { IntegrationSummary } from "@/lib/data/integrations";
import { fetchJson } from "@/lib/json";

import { integrationMessagesPath } from "./details-tabs";

interface TryOutResponse {
  status: number;
  statusText: string;
  headers: [string, string][];
  body: string;
  ms: number;
}

const TYPE_OWN = "__typed__";
// Response headers worth showing; the rest is transport noise.
const SHOWN_HEADERS = ["content-type", "retry-after", "idempotent-replayed", "www-authenticate"];

/** Sends the request as an external system would (an API key) or as the signed-in user, and reads it all back. */
async function sendRequest(path: string, body: unknown, apiKey: string | null): Promise<TryOutResponse> {
  const started = performance.now();
  const res = await fetch(path, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(apiKey !== null ? { authorization: `Bearer ${apiKey}` } : {}),
    },
    // With an API key the request must not ride on the session cookie.
    credentials: apiKey !== null ? "omit" : "same-origin",
    body: JSON.stringify(body),
  });
  const raw = await res.text();
  let pretty = raw;
  try {
    pretty = JSON.stringify(JSON.parse(raw), null, 2);
  } catch {
    // not JSON: show it as it came
  }
  return {
    status: res.status,
    statusText: res.statusText,
    headers: [...res.headers.entries()].filter(([name]) => SHOWN_HEADERS.includes(name)),
    body: pretty,
    ms: Math.round(performance.now() - started),
  };
}

/**
 * The Try Out tab, like Swagger's "Try it out": pick an open chat (or type its id), write a reply, and
 * send the real request to the messages endpoint with an API key or the signed-in session; the
 * response's status, headers and body are shown as they came back.
 */
export function TryOut({ integration }: { integration: IntegrationSummary }) {
  const path = integrationMessagesPath(integration.id);
  const chats = useQuery({
    queryKey: ["try-out-chats", integration.id],
    queryFn: () =>
      fetchJson<{ chats: ChatOut[] }>(`/api/v1/integrations/${integration.id}/chats?status=OPEN&limit=100`),
    // Contacts open chats while the tab is open.
    staleTime: 0,
    refetchInterval: 4_000,
  });
  const [chatChoice, setChatChoice] = useState("");
  const [typedChatId, setTypedChatId] = useState("");
  const [text, setText] = useState("Hello! Thanks for your message — how can we help?");
  const [mediaUrl, setMediaUrl] = useState("");
  const [caption, setCaption] = useState("");
  const [authMode, setAuthMode] = useState<"session" | "key">("session");
  const [apiKey, setApiKey] = useState("");
  const [sending, setSending] = useState(false);
  const [response, setResponse] = useState<TryOutResponse | null>(null);
  const [networkError, setNetworkError] = useState<string | null>(null);

  const openChats = chats.data?.chats ?? [];
  const noOpenChats = chats.isSuccess && openChats.length === 0;
  const chatId = chatChoice === TYPE_OWN ? typedChatId.trim() : chatChoice || (openChats[0]?.id ?? "");
  const body = {
    chatId,
    ...(text.trim() ? { text } : {}),
    ...(mediaUrl.trim()
      ? { multimedia: { url: mediaUrl.trim(), ...(caption.trim() ? { caption } : {}) } }
      : {}),
  };

  async function send() {
    setSending(true);
    setNetworkError(null);
    try {
      setResponse(await sendRequest(path, body, authMode === "key" ? apiKey.trim() : null));
    } catch {
      setNetworkError("The request did not reach the server. Check your connection and try again.");
    } finally {
      setSending(false);
      void chats.refetch();
    }
  }

  return (
    <div className="flex flex-col gap-4 text-sm">
      <p className="text-slate-700">
        Send a real reply through <code className="text-xs">POST {path}</code>. The URL answers chats that a
        contact started; the chat must already exist and be open.
      </p>
      {noOpenChats && (
        <p className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-amber-900">
          No open chat yet: a contact must start one first. Send a message as a contact from the{" "}
          <Link href="/chats" className="font-medium underline">
            simulator in Chats
          </Link>
          , or type a chat id below.
        </p>
      )}
      <div className="grid gap-3 sm:grid-cols-2">
        {/* With no open chat there is nothing to pick: only the chat id field is shown. */}
        {!noOpenChats && (
          <Field label="Chat">
            <Select
              value={chatChoice || (openChats[0]?.id ?? TYPE_OWN)}
              onChange={(e) => setChatChoice(e.target.value)}
            >
              {openChats.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.contact} · {c.channel === "SMS" ? "SMS" : "WhatsApp"} – {c.connectionCode}
                </option>
              ))}
              <option value={TYPE_OWN}>Type a chat id…</option>
            </Select>
          </Field>
        )}
        {(chatChoice === TYPE_OWN || noOpenChats) && (
          <Field label="Chat id">
            <Input
              value={typedChatId}
              onChange={(e) => {
                setChatChoice(TYPE_OWN);
                setTypedChatId(e.target.value);
              }}
              className="font-mono text-xs"
            />
          </Field>
        )}
      </div>
      <Field label="Text">
        <Textarea rows={2} value={text} onChange={(e) => setText(e.target.value)} />
      </Field>
      <div className="grid gap-3 sm:grid-cols-2">
        <Field label="Multimedia URL (optional)">
          <Input
            value={mediaUrl}
            onChange={(e) => setMediaUrl(e.target.value)}
            placeholder="https://…/image.png"
          />
        </Field>
        <Field label="Caption (optional)">
          <Input value={caption} onChange={(e) => setCaption(e.target.value)} />
        </Field>
      </div>
      <RadioGroup
        legend="Authentication"
        options={[
          { value: "session", label: "Use my session" },
          { value: "key", label: "API key" },
        ]}
        value={authMode}
        onChange={setAuthMode}
      >
        {authMode === "key" && (
          <Field label="API key" hint="From Settings → API keys; sent as Authorization: Bearer.">
            <Input
              type="password"
              autoComplete="off"
              value={apiKey}
              onChange={(e) => setApiKey(e.target.value)}
            />
          </Field>
        )}
      </RadioGroup>
      <details className="rounded-md border border-slate-200">
        <summary className="cursor-pointer px-3 py-2 text-xs font-medium text-slate-600">
          Request body
        </summary>
        <pre tabIndex={0} className="overflow-x-auto border-t border-slate-200 p-3 text-xs">
          {JSON.stringify(body, null, 2)}
        </pre>
      </details>
      <div>
        <Button onClick={() => void send()} disabled={sending}>
          {sending ? "Sending…" : "Send request"}
        </Button>
      </div>
      {networkError && <p className="text-red-700">{networkError}</p>}
      {response && (
        <section aria-label="Response" className="rounded-md border border-slate-200">
          <p className="flex items-center gap-2 border-b border-slate-200 px-3 py-2">
            <span
              className={`rounded px-1.5 py-0.5 font-mono text-xs font-semibold ${response.status < 300 ? "bg-green-100 text-green-800" : "bg-red-100 text-red-800"}`}
            >
              {response.status}
            </span>
            <span className="font-medium">{response.statusText}</span>
            <span className="ml-auto text-xs text-slate-500">{response.ms} ms</span>
          </p>
          {response.headers.length > 0 && (
            <dl className="grid grid-cols-[10rem_1fr] gap-x-3 border-b border-slate-200 px-3 py-2 font-mono text-xs">
              {response.headers.map(([name, value]) => (
                <div key={name} className="contents">
                  <dt className="text-slate-500">{name}</dt>
                  <dd>{value}</dd>
                </div>
              ))}
            </dl>
          )}
          <pre tabIndex={0} aria-label="Response body" className="max-h-72 overflow-auto p-3 text-xs">
            {response.body}
          </pre>
        </section>
      )}
    </div>
  );
}

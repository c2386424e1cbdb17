"use client";

import type { ReactNode } from "react";

import { cn } from "@/components/ui/cn";
import { LocalTime } from "@/components/ui/local-time";
import { prettyJson } from "@/lib/json";

import type { ShownAttempt } from "./types";

/** What each recorded error class means, in words. */
export const ERROR_CLASS_LABEL: Record<NonNullable<ShownAttempt["errorClass"]>, string> = {
  BUILD: "Could not build the request",
  BLOCKED: "Blocked: private or reserved address",
  DNS: "Host name not found (DNS)",
  CONNECT: "Could not connect",
  TLS: "TLS error",
  TIMEOUT: "Timed out",
  NETWORK: "Connection lost",
  HTTP_STATUS: "HTTP status",
  LEASE_EXPIRED: "Outcome not recorded (the worker stopped)",
};

const ok = (status: number | null) => status !== null && status >= 200 && status < 300;

/** The attempt's result in one chip: the status code, or the error class when nothing came back. */
export function OutcomeChip({ attempt }: { attempt: Pick<ShownAttempt, "responseStatus" | "errorClass"> }) {
  const { responseStatus: status, errorClass } = attempt;
  return (
    <span
      className={cn(
        "rounded px-1.5 py-0.5 font-mono text-xs font-semibold",
        ok(status) ? "bg-green-100 text-green-800" : "bg-red-100 text-red-800",
      )}
    >
      {status !== null ? `HTTP ${status}` : errorClass ? ERROR_CLASS_LABEL[errorClass] : "No response"}
    </span>
  );
}

function HeaderList({ headers, label }: { headers: Record<string, string>; label: string }) {
  const entries = Object.entries(headers);
  if (entries.length === 0) return <p className="text-slate-500">No headers.</p>;
  return (
    <dl aria-label={label} className="grid grid-cols-[minmax(0,auto)_minmax(0,1fr)] gap-x-2 font-mono">
      {entries.map(([name, value]) => (
        <div key={name} className="contents">
          <dt className="text-slate-500">{name}:</dt>
          <dd className="[overflow-wrap:anywhere] text-slate-900">{value}</dd>
        </div>
      ))}
    </dl>
  );
}

function Block({ label, children }: { label: string; children: string }) {
  return (
    <pre
      tabIndex={0}
      aria-label={label}
      className="max-h-64 overflow-auto rounded border border-slate-200 bg-slate-50 px-2 py-1.5 font-mono [overflow-wrap:anywhere] whitespace-pre-wrap"
    >
      {children}
    </pre>
  );
}

function Part({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section aria-label={title} className="flex min-w-0 flex-col gap-2 p-3">
      <h4 className="font-semibold tracking-wide text-slate-600 uppercase">{title}</h4>
      {children}
    </section>
  );
}

/**
 * One attempt as it was logged: the request as sent (secrets already masked by the engine) beside the
 * response — status, headers, the first 4 KB of body, duration — or the error when none came back.
 */
export function AttemptView({ attempt, title }: { attempt: ShownAttempt; title: string }) {
  const { request } = attempt;
  return (
    <article aria-label={title} className="rounded-md border border-slate-200 text-xs">
      <header className="flex flex-wrap items-center gap-2 border-b border-slate-200 bg-slate-50 px-3 py-2">
        <h3 className="text-sm font-semibold text-slate-900">{title}</h3>
        <LocalTime value={attempt.startedAt} timeStyle="medium" className="text-slate-600" />
        <OutcomeChip attempt={attempt} />
        <span className="ml-auto text-slate-600">{attempt.durationMs} ms</span>
      </header>
      <div className="grid divide-slate-200 md:grid-cols-2 md:divide-x">
        <Part title="Request">
          {request === null ? (
            <p className="text-slate-500">Not recorded.</p>
          ) : (
            <>
              <p className="font-mono break-all">
                <span className="mr-1.5 rounded bg-slate-800 px-1.5 py-0.5 font-semibold text-white">
                  {request.method}
                </span>
                {request.url}
              </p>
              <HeaderList headers={request.headers} label="Request headers" />
              {request.body === null ? (
                <p className="text-slate-500">No body ({request.method}).</p>
              ) : (
                <Block label="Request body">{prettyJson(request.body)}</Block>
              )}
            </>
          )}
        </Part>
        <Part title="Response">
          {attempt.responseStatus === null ? (
            <p role="note" className="rounded border border-red-200 bg-red-50 px-2 py-1.5 text-red-800">
              <span className="font-semibold">
                {attempt.errorClass ? ERROR_CLASS_LABEL[attempt.errorClass] : "No response"}
              </span>
              {attempt.errorMessage && <span className="block break-words">{attempt.errorMessage}</span>}
            </p>
          ) : (
            <>
              <p>
                <OutcomeChip attempt={attempt} />{" "}
                <span className="text-slate-600">after {attempt.durationMs} ms</span>
              </p>
              <HeaderList headers={attempt.responseHeaders ?? {}} label="Response headers" />
              {attempt.responseBody ? (
                <Block label="Response body">{prettyJson(attempt.responseBody)}</Block>
              ) : (
                <p className="text-slate-500">Empty body.</p>
              )}
              {/* Only when it says more than the status (a redirect that was not followed, say). */}
              {attempt.errorMessage && attempt.errorMessage !== `HTTP ${attempt.responseStatus}` && (
                <p className="text-red-800">{attempt.errorMessage}</p>
              )}
            </>
          )}
        </Part>
      </div>
    </article>
  );
}

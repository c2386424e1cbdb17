"use client";

import { Eye } from "lucide-react";
import { useMemo, useState, useSyncExternalStore } from "react";
import { useFormContext, useWatch } from "react-hook-form";

import { Card } from "@/components/ui/card";
import { CopyButton } from "@/components/ui/copy-button";
import type { ConnectionChoice, IntegrationDetails } from "@/lib/data/integrations";
import { prettyJson } from "@/lib/json";
import type { IntegrationFormValues } from "@/lib/validation/integration";
import { previewRequest, type Preview } from "@/lib/webhooks/preview";

import { PREVIEW_ACTIONS } from "./extensions";

const subscribeNothing = () => () => {};

/** Percent-escapes of non-ASCII (masked secrets' dots, accents) shown as characters, for reading. */
function readableUrl(url: string): string {
  try {
    return decodeURI(url);
  } catch {
    return url;
  }
}

/**
 * The live preview beside the wizard: the exact request a sample MESSAGE event would produce with
 * what is typed now, built by the delivery engine's own buildRequest, secrets masked.
 */
export function RequestPreview({
  integration,
  choices,
  allowInsecureUrls,
}: {
  integration: IntegrationDetails | null;
  choices: ConnectionChoice[];
  /** The server's WEBHOOK_ALLOW_INSECURE_URLS: the preview refuses exactly the URLs the form refuses. */
  allowInsecureUrls: boolean;
}) {
  const integrationId = integration?.id ?? null;
  const { control } = useFormContext<IntegrationFormValues>();
  const values = useWatch({ control }) as IntegrationFormValues;
  // The sample's timestamp is the browser's clock, so the preview renders in the browser only.
  const inBrowser = useSyncExternalStore(
    subscribeNothing,
    () => true,
    () => false,
  );
  const [timestamp] = useState(() => Math.floor(Date.now() / 1000));

  const firstConnection = choices.find((c) => c.id === values.connectionIds?.[0]) ?? null;
  const preview: Preview = useMemo(() => {
    try {
      // On Edit an empty secret field keeps the stored secret: preview it as stored (masked).
      const storedSecret =
        integration?.auth.type === values.auth.type ? (integration.authSecretMasked ?? undefined) : undefined;
      return previewRequest(values, {
        integrationId,
        connection: firstConnection,
        timestamp,
        storedSecret,
        allowInsecureUrls,
      });
    } catch {
      return { ok: false, message: "Finish the row you are typing to see the request." };
    }
  }, [values, integration, integrationId, firstConnection, timestamp, allowInsecureUrls]);

  return (
    <Card className="xl:sticky xl:top-6">
      <section aria-labelledby="preview-title" className="flex flex-col">
        <div className="border-b border-slate-200 px-4 py-3">
          <h2 id="preview-title" className="flex items-center gap-2 text-base font-semibold">
            <Eye aria-hidden className="size-4 text-slate-500" />
            Request preview
          </h2>
          <p className="mt-0.5 text-xs text-slate-600">
            What your endpoint receives for a sample MESSAGE event, as you type. Secrets are masked.
          </p>
        </div>
        {!inBrowser ? (
          <p className="px-4 py-6 text-sm text-slate-600">Building the preview…</p>
        ) : !preview.ok ? (
          <p className="px-4 py-6 text-sm text-slate-600" data-testid="preview-refused">
            No request to show: {preview.message.replace(/\.$/, "")}.
          </p>
        ) : (
          <div className="flex flex-col gap-3 px-4 py-3 text-xs">
            <p className="font-mono break-all" data-testid="preview-request-line">
              <span className="mr-2 rounded bg-slate-800 px-1.5 py-0.5 font-semibold text-white">
                {preview.request.method}
              </span>
              {readableUrl(preview.request.url)}
            </p>
            <div>
              <h3 className="mb-1 font-semibold tracking-wide text-slate-600 uppercase">Headers</h3>
              <ul
                className="rounded border border-slate-200 bg-slate-50 px-2 py-1.5 font-mono break-all"
                data-testid="preview-headers"
              >
                {Object.entries(preview.request.headers).map(([name, value]) => (
                  <li key={name}>
                    <span className="text-slate-600">{name}:</span> {value}
                  </li>
                ))}
              </ul>
            </div>
            <div>
              <h3 className="mb-1 font-semibold tracking-wide text-slate-600 uppercase">Body</h3>
              {preview.request.body === null ? (
                <p className="text-slate-600">
                  No body: {preview.request.method} sends the Body fields in the query string.
                </p>
              ) : (
                <pre
                  data-testid="preview-body"
                  tabIndex={0}
                  aria-label="Request body"
                  className="max-h-96 overflow-auto rounded border border-slate-200 bg-slate-50 px-2 py-1.5 font-mono break-all whitespace-pre-wrap"
                >
                  {prettyJson(preview.request.body)}
                </pre>
              )}
            </div>
            {preview.skippedRows > 0 && (
              <p className="text-amber-800">
                {preview.skippedRows === 1
                  ? "1 row with an error is"
                  : `${preview.skippedRows} rows with errors are`}{" "}
                left out until fixed.
              </p>
            )}
          </div>
        )}
        <div className="flex flex-wrap gap-2 border-t border-slate-200 px-4 py-3">
          <CopyButton
            text={preview.ok ? preview.curl : ""}
            label="Copy as curl"
            disabled={!inBrowser || !preview.ok}
          />
          {PREVIEW_ACTIONS.map((Action, i) => (
            <Action key={i} integrationId={integrationId} values={values} preview={preview} />
          ))}
        </div>
      </section>
    </Card>
  );
}

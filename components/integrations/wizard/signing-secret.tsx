"use client";

import { Eye, EyeOff, RefreshCw, ShieldCheck } from "lucide-react";
import { useState, useTransition } from "react";

import { revealSigningSecretAction, rotateSigningSecretAction } from "@/app/(app)/integrations/actions";
import { settled } from "@/components/forms/use-action";
import { Button } from "@/components/ui/button";
import { CopyButton } from "@/components/ui/copy-button";
import { Dialog, DialogClose, DialogContent, DialogFooter } from "@/components/ui/dialog";
import { FormMessage } from "@/components/ui/field";
import { LocalTime } from "@/components/ui/local-time";
import type { IntegrationDetails } from "@/lib/data/integrations";

/**
 * The integration's Standard Webhooks signing secret: masked, revealed in clear only on the owner's
 * explicit request (a server action), copied, and rotated with a 24-hour overlap.
 */
export function SigningSecret({
  integration,
  canReveal,
}: {
  integration: IntegrationDetails | null;
  canReveal: boolean;
}) {
  const [masked, setMasked] = useState(integration?.signingSecretMasked ?? "");
  const [previousUntil, setPreviousUntil] = useState(integration?.previousSigningSecretExpiresAt ?? null);
  const [revealed, setRevealed] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [rotateOpen, setRotateOpen] = useState(false);
  const [pending, startTransition] = useTransition();

  const intro = (
    <p className="text-sm text-slate-600">
      Every request carries <code className="text-xs">webhook-id</code>,{" "}
      <code className="text-xs">webhook-timestamp</code> and{" "}
      <code className="text-xs">webhook-signature</code> headers (Standard Webhooks), so your endpoint can
      check it came from us and was not altered.
    </p>
  );

  if (!integration) {
    return (
      <section aria-labelledby="signing-secret-title" className="rounded-md border border-slate-200 p-4">
        <h3 id="signing-secret-title" className="mb-1 flex items-center gap-2 text-sm font-semibold">
          <ShieldCheck aria-hidden className="size-4 text-slate-500" /> Signing secret
        </h3>
        {intro}
        <p className="mt-2 text-sm text-slate-600">
          A signing secret (<code className="text-xs">whsec_…</code>) is created when you save. You can
          reveal, copy and rotate it here afterwards.
        </p>
      </section>
    );
  }

  const reveal = () =>
    startTransition(async () => {
      setError(null);
      const result = await settled(revealSigningSecretAction({ id: integration.id }));
      if (result.ok) setRevealed(result.data.secret);
      else setError(result.error);
    });

  const rotate = () =>
    startTransition(async () => {
      setError(null);
      const result = await settled(rotateSigningSecretAction({ id: integration.id }));
      setRotateOpen(false);
      if (!result.ok) {
        setError(result.error);
        return;
      }
      setMasked(result.data.signingSecretMasked);
      setPreviousUntil(result.data.previousSigningSecretExpiresAt);
      setRevealed(null);
    });

  return (
    <section aria-labelledby="signing-secret-title" className="rounded-md border border-slate-200 p-4">
      <h3 id="signing-secret-title" className="mb-1 flex items-center gap-2 text-sm font-semibold">
        <ShieldCheck aria-hidden className="size-4 text-slate-500" /> Signing secret
      </h3>
      {intro}
      <div className="mt-3 flex flex-wrap items-center gap-2">
        <code
          data-testid="signing-secret"
          className="min-w-0 flex-1 truncate rounded border border-slate-200 bg-slate-50 px-2 py-1.5 font-mono text-xs"
        >
          {revealed ?? masked}
        </code>
        {revealed ? (
          <>
            <CopyButton text={revealed} label="Copy" />
            <Button variant="secondary" size="sm" onClick={() => setRevealed(null)}>
              <EyeOff aria-hidden className="size-4" /> Hide
            </Button>
          </>
        ) : (
          canReveal && (
            <Button variant="secondary" size="sm" onClick={reveal} disabled={pending}>
              <Eye aria-hidden className="size-4" /> Reveal
            </Button>
          )
        )}
        <Dialog open={rotateOpen} onOpenChange={setRotateOpen}>
          <Button variant="secondary" size="sm" onClick={() => setRotateOpen(true)} disabled={pending}>
            <RefreshCw aria-hidden className="size-4" /> Rotate
          </Button>
          <DialogContent
            title="Rotate the signing secret?"
            description="A new secret signs every request from now on. The current one keeps signing beside it for 24 hours, so you can update your endpoint without losing deliveries."
          >
            <DialogFooter>
              <DialogClose asChild>
                <Button variant="secondary">Cancel</Button>
              </DialogClose>
              <Button onClick={rotate} disabled={pending}>
                {pending ? "Rotating…" : "Rotate"}
              </Button>
            </DialogFooter>
          </DialogContent>
        </Dialog>
      </div>
      {!canReveal && (
        <p className="mt-2 text-xs text-slate-600">Only the account owner can reveal the secret in clear.</p>
      )}
      {previousUntil && new Date(previousUntil) > new Date() && (
        <p className="mt-2 text-xs text-slate-600" role="status">
          The previous secret also signs requests until <LocalTime value={previousUntil} />.
        </p>
      )}
      {error && (
        <div className="mt-2">
          <FormMessage>{error}</FormMessage>
        </div>
      )}
    </section>
  );
}

"use client";

import { RotateCcw, TriangleAlert } from "lucide-react";
import Link from "next/link";

import { CenteredPage } from "@/components/shell/centered-page";
import { Button } from "@/components/ui/button";

/** What a page shows when rendering it failed on our side: no details (they stay in the server log), a way on. */
export default function ErrorPage({
  error,
  reset,
}: {
  error: Error & { digest?: string };
  reset: () => void;
}) {
  return (
    <CenteredPage className="flex max-w-md flex-col items-center gap-3 p-8 text-center">
      <TriangleAlert aria-hidden className="size-8 text-amber-500" />
      <h1 className="text-xl font-semibold text-slate-900">Something went wrong</h1>
      <p className="text-sm text-slate-600">
        This page could not be shown. Nothing you saved is lost; try again in a moment.
      </p>
      {error.digest && <p className="font-mono text-xs text-slate-500">Reference: {error.digest}</p>}
      <div className="mt-2 flex gap-2">
        <Button onClick={reset}>
          <RotateCcw aria-hidden className="size-4" /> Try again
        </Button>
        <Button asChild variant="secondary">
          <Link href="/integrations">Go to Integrations</Link>
        </Button>
      </div>
    </CenteredPage>
  );
}

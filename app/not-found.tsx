import { Compass, Webhook } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";

import { Button } from "@/components/ui/button";

export const metadata: Metadata = { title: "Page not found" };

/** Any address that names nothing: an unknown page, or a campaign, chat or connection of another account. */
export default function NotFound() {
  return (
    <main className="flex min-h-screen flex-col items-center justify-center gap-6 px-4 py-12 text-center">
      <div className="flex items-center gap-2 text-lg font-semibold text-slate-900">
        <Webhook aria-hidden className="text-brand-600 size-6" />
        Custom Webhook
      </div>
      <div className="flex w-full max-w-md flex-col items-center gap-3 rounded-lg border border-slate-200 bg-white p-8 shadow-sm">
        <Compass aria-hidden className="size-8 text-slate-400" />
        <h1 className="text-xl font-semibold text-slate-900">Page not found</h1>
        <p className="text-sm text-slate-600">
          There is nothing at this address, or it belongs to another account. Check the link, or start again
          from your integrations.
        </p>
        <Button asChild className="mt-2">
          <Link href="/integrations">Go to Integrations</Link>
        </Button>
      </div>
    </main>
  );
}

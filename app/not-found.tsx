import { Compass } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";

import { CenteredPage } from "@/components/shell/centered-page";
import { Button } from "@/components/ui/button";

export const metadata: Metadata = { title: "Page not found" };

/** Any address that names nothing: an unknown page, or a campaign, chat or connection of another account. */
export default function NotFound() {
  return (
    <CenteredPage className="flex max-w-md flex-col items-center gap-3 p-8 text-center">
      <Compass aria-hidden className="size-8 text-slate-400" />
      <h1 className="text-xl font-semibold text-slate-900">Page not found</h1>
      <p className="text-sm text-slate-600">
        There is nothing at this address, or it belongs to another account. Check the link, or start again
        from your integrations.
      </p>
      <Button asChild className="mt-2">
        <Link href="/integrations">Go to Integrations</Link>
      </Button>
    </CenteredPage>
  );
}

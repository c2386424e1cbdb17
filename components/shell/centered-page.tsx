import { Webhook } from "lucide-react";
import type { ReactNode } from "react";

import { cn } from "@/components/ui/cn";

/** A page outside the app shell (sign-in, errors): the brand above one centred card. */
export function CenteredPage({ children, className }: { children: ReactNode; className?: string }) {
  return (
    <main className="flex min-h-screen flex-col items-center justify-center gap-6 px-4 py-12">
      <div className="flex items-center gap-2 text-lg font-semibold text-slate-900">
        <Webhook aria-hidden className="text-brand-600 size-6" />
        Custom Webhook
      </div>
      <div className={cn("w-full rounded-lg border border-slate-200 bg-white shadow-sm", className)}>
        {children}
      </div>
    </main>
  );
}

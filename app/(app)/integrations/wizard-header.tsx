import { ChevronRight, Webhook } from "lucide-react";
import Link from "next/link";

/** The wizard pages' heading, with the way back to the Integrations page. */
export function WizardHeader({ title, description }: { title: string; description: string }) {
  return (
    <div className="mb-6">
      <nav aria-label="Breadcrumb" className="mb-2 text-sm">
        <ol className="flex items-center gap-1 text-slate-600">
          <li>
            <Link href="/integrations" className="hover:text-slate-900 hover:underline">
              Integrations
            </Link>
          </li>
          <li aria-hidden>
            <ChevronRight className="size-3.5" />
          </li>
          <li aria-current="page" className="font-medium text-slate-800">
            Custom Webhook
          </li>
        </ol>
      </nav>
      <h1 className="flex items-center gap-2 text-2xl font-semibold tracking-tight text-slate-900">
        <Webhook aria-hidden className="text-brand-600 size-6" />
        {title}
      </h1>
      <p className="mt-1 max-w-3xl text-sm text-slate-600">{description}</p>
    </div>
  );
}

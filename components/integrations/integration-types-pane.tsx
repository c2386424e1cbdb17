"use client";

import { ArrowRight, Webhook } from "lucide-react";
import { useRouter } from "next/navigation";
import { useState, type ComponentType } from "react";

import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";

interface IntegrationType {
  id: string;
  name: string;
  description: string;
  icon: ComponentType<{ className?: string; "aria-hidden"?: boolean }>;
  /** Where Next goes. */
  href: string;
}

/** The pane's integration types; a new type is one more entry here. */
export const INTEGRATION_TYPES: IntegrationType[] = [
  {
    id: "custom-webhook",
    name: "Custom Webhook",
    description:
      "Send every message a contact writes on your SMS and WhatsApp connections, and the end of each chat, to your own endpoint as JSON.",
    icon: Webhook,
    href: "/integrations/new",
  },
];

/** Select a card, then Next opens its wizard. */
export function IntegrationTypesPane() {
  const router = useRouter();
  const [selected, setSelected] = useState<string | null>(null);
  const type = INTEGRATION_TYPES.find((t) => t.id === selected);

  return (
    <div className="flex flex-col gap-5">
      <fieldset>
        <legend className="mb-3 text-sm text-slate-600">
          Select the integration to add, then choose Next.
        </legend>
        <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
          {INTEGRATION_TYPES.map(({ id, name, description, icon: Icon }) => (
            <label
              key={id}
              className={cn(
                "flex cursor-pointer flex-col gap-2 rounded-lg border bg-white p-4 shadow-xs transition-colors",
                selected === id
                  ? "border-brand-600 ring-brand-600/20 ring-2"
                  : "border-slate-200 hover:border-slate-300",
              )}
            >
              <span className="flex items-center gap-3">
                <span className="bg-brand-50 text-brand-700 flex size-10 items-center justify-center rounded-lg">
                  <Icon aria-hidden className="size-5" />
                </span>
                <span className="flex-1 font-semibold text-slate-900">{name}</span>
                <input
                  type="radio"
                  name="integration-type"
                  value={id}
                  checked={selected === id}
                  onChange={() => setSelected(id)}
                  className="accent-brand-600 size-4"
                />
              </span>
              <span className="text-sm text-slate-600">{description}</span>
            </label>
          ))}
        </div>
      </fieldset>
      <div>
        <Button onClick={() => type && router.push(type.href)} disabled={!type}>
          Next <ArrowRight aria-hidden className="size-4" />
        </Button>
      </div>
    </div>
  );
}

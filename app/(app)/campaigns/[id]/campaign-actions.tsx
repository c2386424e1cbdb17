"use client";

import { Pause, Pencil, Play, Trash2 } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";

import { useAction } from "@/components/forms/use-action";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { FormMessage } from "@/components/ui/field";

import { deleteCampaignAction, goLiveAction, pauseCampaignAction } from "../actions";

interface Props {
  id: string;
  name: string;
  status: "DRAFT" | "LIVE" | "PAUSED";
}

export function CampaignActions({ id, name, status }: Props) {
  const router = useRouter();
  const { run, pending, error } = useAction();
  const goLive = () => run(() => goLiveAction({ id }));

  return (
    <div className="flex flex-col items-end gap-2">
      <div className="flex gap-2">
        {status === "LIVE" ? (
          <ConfirmDialog
            trigger={
              <Button variant="secondary">
                <Pause aria-hidden className="size-4" /> Pause
              </Button>
            }
            title="Pause this campaign?"
            description={`“${name}” stops handling messages until it goes Live again.`}
            onConfirm={async () => {
              const result = await pauseCampaignAction({ id });
              return result.ok ? null : result.error;
            }}
          />
        ) : (
          <>
            <Button asChild variant="secondary">
              <Link href={`/campaigns/${id}/edit`}>
                <Pencil aria-hidden className="size-4" /> Edit
              </Link>
            </Button>
            <Button onClick={goLive} disabled={pending}>
              <Play aria-hidden className="size-4" /> {pending ? "Going Live…" : "Go Live"}
            </Button>
            <ConfirmDialog
              trigger={
                <Button variant="ghost" aria-label="Delete campaign">
                  <Trash2 aria-hidden className="size-4" /> Delete
                </Button>
              }
              title="Delete this campaign?"
              description={`“${name}” and its settings are removed. Its chats stay in Chats.`}
              confirmLabel="Delete"
              tone="danger"
              onConfirm={async () => {
                const result = await deleteCampaignAction({ id });
                if (!result.ok) return result.error;
                router.push("/campaigns");
              }}
            />
          </>
        )}
      </div>
      {status === "LIVE" && <p className="text-xs text-slate-600">Pause the campaign to edit it.</p>}
      {error && <FormMessage>{error}</FormMessage>}
    </div>
  );
}

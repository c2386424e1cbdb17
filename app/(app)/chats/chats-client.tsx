"use client";

import { useQueryClient } from "@tanstack/react-query";
import { Send, XCircle } from "lucide-react";
import { useRouter } from "next/navigation";
import { useEffect } from "react";

import { Inbox } from "@/components/chats/inbox";
import { useActionForm } from "@/components/forms/use-action-form";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { Field, FormMessage } from "@/components/ui/field";
import { Input, Select, Textarea } from "@/components/ui/input";
import { simulatorMessageSchema } from "@/lib/validation/inbound";

import { closeChatAction, sendAsContactAction } from "./actions";

type InboxProps = Parameters<typeof Inbox>[0];
type Thread = NonNullable<InboxProps["initialThread"]>;

interface ConnectionOption {
  id: string;
  label: string;
}

/** The Chats page's interactive part: the live inbox, Close chat, and the end-user simulator. */
export function ChatsClient({ connections, ...inbox }: InboxProps & { connections: ConnectionOption[] }) {
  return (
    <Inbox
      {...inbox}
      threadActions={(thread) => <ThreadActions thread={thread} />}
      aside={<Simulator connections={connections} selected={inbox.initialThread?.chat ?? null} />}
    />
  );
}

function ThreadActions({ thread }: { thread: Thread }) {
  const queryClient = useQueryClient();
  if (thread.chat.status !== "OPEN") return <p className="text-xs text-slate-500">This chat is closed.</p>;
  return (
    <div className="flex items-center justify-between gap-3">
      <p className="text-xs text-slate-500">Replies sent through the API appear here as they are sent.</p>
      <ConfirmDialog
        trigger={
          <Button variant="secondary" size="sm">
            <XCircle aria-hidden className="size-4" /> Close chat
          </Button>
        }
        title="Close this chat?"
        description="The contact's next message opens a new chat. A Custom Webhook serving this chat receives its END event."
        confirmLabel="Close chat"
        onConfirm={async () => {
          const result = await closeChatAction({ chatId: thread.chat.id });
          await queryClient.invalidateQueries();
          return result.ok ? null : result.error;
        }}
      />
    </div>
  );
}

/** Writes as the contact would: the message goes through the same ingestion as real channels. */
function Simulator({
  connections,
  selected,
}: {
  connections: ConnectionOption[];
  selected: Thread["chat"] | null;
}) {
  const router = useRouter();
  const queryClient = useQueryClient();
  const { form, submit, formError } = useActionForm(simulatorMessageSchema, sendAsContactAction, {
    defaultValues: {
      connectionId: selected?.connectionId ?? connections[0]?.id ?? "",
      from: selected?.contact ?? "+15557654321",
      text: "",
      imageUrl: "",
      caption: "",
    },
    onSuccess: ({ chatId }, values) => {
      form.reset({ ...values, text: "", imageUrl: "", caption: "" });
      void queryClient.invalidateQueries();
      router.push(`/chats?chat=${chatId}`);
    },
  });
  const { errors } = form.formState;
  // Following the selected chat: the simulator writes as its contact on its connection.
  useEffect(() => {
    if (selected) {
      form.setValue("connectionId", selected.connectionId);
      form.setValue("from", selected.contact);
    }
  }, [selected, form]);

  if (connections.length === 0) {
    return (
      <Card className="p-4 text-sm text-slate-600">
        <h2 className="mb-1 text-base font-semibold text-slate-900">Simulator</h2>
        Add a connection under Connections to write to it as a contact.
      </Card>
    );
  }
  return (
    <Card className="p-4">
      <h2 className="text-base font-semibold">Simulator</h2>
      <p className="mb-3 text-xs text-slate-600">
        Write as a contact would: the message arrives like one from a real phone.
      </p>
      <form onSubmit={submit} noValidate className="flex flex-col gap-3">
        {formError && <FormMessage>{formError}</FormMessage>}
        <Field label="Connection" error={errors.connectionId?.message}>
          <Select {...form.register("connectionId")}>
            {connections.map((c) => (
              <option key={c.id} value={c.id}>
                {c.label}
              </option>
            ))}
          </Select>
        </Field>
        <Field label="Contact number" error={errors.from?.message}>
          <Input autoComplete="off" {...form.register("from")} />
        </Field>
        <Field label="Message" error={errors.text?.message}>
          <Textarea rows={2} {...form.register("text")} />
        </Field>
        <details className="text-sm" open={!!(errors.imageUrl || errors.caption) || undefined}>
          <summary className="cursor-pointer text-slate-600">Attach an image</summary>
          <div className="mt-2 flex flex-col gap-3">
            <Field label="Image URL" error={errors.imageUrl?.message}>
              <Input placeholder="https://…/photo.jpg" {...form.register("imageUrl")} />
            </Field>
            <Field label="Caption" error={errors.caption?.message}>
              <Input {...form.register("caption")} />
            </Field>
          </div>
        </details>
        <Button type="submit" disabled={form.formState.isSubmitting} className="justify-center">
          <Send aria-hidden className="size-4" />{" "}
          {form.formState.isSubmitting ? "Sending…" : "Send as contact"}
        </Button>
      </form>
    </Card>
  );
}

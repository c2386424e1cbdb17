"use client";

import { LogOut, ShieldCheck } from "lucide-react";
import { useRouter } from "next/navigation";
import { useState } from "react";

import { useActionForm } from "@/components/forms/use-action-form";
import { Button } from "@/components/ui/button";
import { Badge, Card } from "@/components/ui/card";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { Field, FormMessage } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { LocalTime } from "@/components/ui/local-time";
import { Table, Td, Th } from "@/components/ui/table";
import { changePasswordSchema } from "@/lib/validation/auth";

import { changePasswordAction, endSessionAction, signOutEverywhereAction } from "./actions";

export interface SessionRow {
  id: string;
  device: string;
  ip: string | null;
  createdAt: Date;
  lastSeenAt: Date;
  current: boolean;
}

export function Security({
  sessions,
  isOwner,
  accountName,
}: {
  sessions: SessionRow[];
  isOwner: boolean;
  accountName: string;
}) {
  return (
    <Card className="p-5">
      <h2 className="mb-1 flex items-center gap-2 text-base font-semibold">
        <ShieldCheck aria-hidden className="size-4 text-slate-500" /> Security
      </h2>
      <p className="mb-5 text-sm text-slate-600">
        Signing out ends a session on the server at once: its cookie no longer opens anything, even if it was
        copied.
      </p>
      <ChangePassword />
      <Sessions sessions={sessions} />
      {isOwner && <SignOutEverywhere accountName={accountName} />}
    </Card>
  );
}

function ChangePassword() {
  const [done, setDone] = useState<string | null>(null);
  const { form, submit, formError } = useActionForm(changePasswordSchema, changePasswordAction, {
    defaultValues: { currentPassword: "", newPassword: "", confirmPassword: "" },
    onSuccess: ({ endedSessions }) => {
      form.reset();
      setDone(
        endedSessions === 0
          ? "Password changed."
          : `Password changed. ${endedSessions === 1 ? "Your other session was" : `Your ${endedSessions} other sessions were`} signed out.`,
      );
    },
  });
  const { errors, isSubmitting } = form.formState;
  return (
    <section aria-labelledby="change-password" className="mb-6">
      <h3 id="change-password" className="mb-3 text-sm font-semibold text-slate-800">
        Change password
      </h3>
      <form
        onSubmit={(e) => {
          setDone(null);
          return submit(e);
        }}
        noValidate
        className="grid max-w-md gap-4"
      >
        {formError && <FormMessage>{formError}</FormMessage>}
        {done && <FormMessage tone="success">{done}</FormMessage>}
        <Field label="Current password" error={errors.currentPassword?.message}>
          <Input type="password" autoComplete="current-password" {...form.register("currentPassword")} />
        </Field>
        <Field
          label="New password"
          hint="At least 8 characters. Your other sessions are signed out."
          error={errors.newPassword?.message}
        >
          <Input type="password" autoComplete="new-password" {...form.register("newPassword")} />
        </Field>
        <Field label="Repeat the new password" error={errors.confirmPassword?.message}>
          <Input type="password" autoComplete="new-password" {...form.register("confirmPassword")} />
        </Field>
        <div>
          <Button type="submit" disabled={isSubmitting}>
            {isSubmitting ? "Changing…" : "Change password"}
          </Button>
        </div>
      </form>
    </section>
  );
}

function Sessions({ sessions }: { sessions: SessionRow[] }) {
  return (
    <section aria-labelledby="sessions" className="mb-6">
      <h3 id="sessions" className="mb-3 text-sm font-semibold text-slate-800">
        Where you are signed in
      </h3>
      <div className="overflow-x-auto">
        <Table aria-label="Your sessions">
          <thead>
            <tr>
              <Th>Device</Th>
              <Th>Address</Th>
              <Th>Signed in</Th>
              <Th>Last active</Th>
              <Th className="text-right">Actions</Th>
            </tr>
          </thead>
          <tbody>
            {sessions.map((s) => (
              <tr key={s.id}>
                <Td className="font-medium">{s.device}</Td>
                <Td className="font-mono text-xs">{s.ip ?? "—"}</Td>
                <Td>
                  <LocalTime value={s.createdAt} />
                </Td>
                <Td>
                  <LocalTime value={s.lastSeenAt} />
                </Td>
                <Td className="text-right whitespace-nowrap">
                  {s.current ? (
                    <Badge tone="green">This browser</Badge>
                  ) : (
                    <ConfirmDialog
                      trigger={
                        <Button variant="ghost" size="sm" aria-label={`Sign out ${s.device}`}>
                          <LogOut aria-hidden className="size-4" /> Sign out
                        </Button>
                      }
                      title={`Sign out ${s.device}?`}
                      description="That browser is signed out at once and has to sign in again."
                      confirmLabel="Sign out"
                      tone="danger"
                      onConfirm={async () => {
                        const result = await endSessionAction({ id: s.id });
                        return result.ok ? null : result.error;
                      }}
                    />
                  )}
                </Td>
              </tr>
            ))}
          </tbody>
        </Table>
      </div>
    </section>
  );
}

function SignOutEverywhere({ accountName }: { accountName: string }) {
  const router = useRouter();
  return (
    <section aria-labelledby="sign-out-everywhere">
      <h3 id="sign-out-everywhere" className="mb-1 text-sm font-semibold text-slate-800">
        Sign out everywhere
      </h3>
      <p className="mb-3 text-sm text-slate-600">
        As the owner you can end every session of every user of {accountName} — on every device, this browser
        included. API keys keep working; revoke them above if they may have leaked.
      </p>
      <ConfirmDialog
        trigger={
          <Button variant="secondary">
            <LogOut aria-hidden className="size-4" /> Sign out everywhere
          </Button>
        }
        title={`Sign everyone out of ${accountName}?`}
        description="Every user of this account, you included, is signed out on every device at once and has to sign in again."
        confirmLabel="Sign out everywhere"
        tone="danger"
        onConfirm={async () => {
          const result = await signOutEverywhereAction({});
          if (!result.ok) return result.error;
          router.replace("/login");
        }}
      />
    </section>
  );
}

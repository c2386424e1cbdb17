import type { ReactElement, ReactNode } from "react";
import { cloneElement, useId } from "react";

import { cn } from "./cn";

interface FieldProps {
  label: ReactNode;
  /** The field's error message(s), shown under the control and linked to it for screen readers. */
  error?: string | string[];
  hint?: ReactNode;
  className?: string;
  children: ReactElement<{ id?: string; "aria-invalid"?: boolean; "aria-describedby"?: string }>;
}

/** A label, a control and its error, wired together by ids. */
export function Field({ label, error, hint, className, children }: FieldProps) {
  const id = useId();
  const message = Array.isArray(error) ? error[0] : error;
  const describedBy = [message && `${id}-error`, hint && `${id}-hint`].filter(Boolean).join(" ") || undefined;
  return (
    <div className={cn("flex flex-col gap-1.5", className)}>
      <label htmlFor={id} className="text-sm font-medium text-slate-700">
        {label}
      </label>
      {cloneElement(children, {
        id,
        "aria-invalid": message ? true : undefined,
        "aria-describedby": describedBy,
      })}
      {hint && !message && (
        <p id={`${id}-hint`} className="text-xs text-slate-500">
          {hint}
        </p>
      )}
      {message && <FieldError id={`${id}-error`}>{message}</FieldError>}
    </div>
  );
}

export function FieldError({ id, children }: { id?: string; children: ReactNode }) {
  return (
    <p id={id} className="text-xs font-medium text-red-700">
      {children}
    </p>
  );
}

/** A form-level message (server refused, network failed). */
export function FormMessage({
  tone = "error",
  children,
}: {
  tone?: "error" | "success";
  children: ReactNode;
}) {
  return (
    <p
      role={tone === "error" ? "alert" : "status"}
      className={cn(
        "rounded-md px-3 py-2 text-sm",
        tone === "error"
          ? "border border-red-200 bg-red-50 text-red-800"
          : "border border-green-200 bg-green-50 text-green-800",
      )}
    >
      {children}
    </p>
  );
}

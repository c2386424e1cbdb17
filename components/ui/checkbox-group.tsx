"use client";

import { useId, type ReactNode } from "react";

import { cn } from "./cn";
import { FieldError } from "./field";

export interface CheckboxOption {
  value: string;
  label: ReactNode;
  /** Why it cannot be chosen; the option is shown disabled with the reason. */
  unavailableReason?: string | null;
}

interface CheckboxGroupProps {
  legend: ReactNode;
  options: CheckboxOption[];
  /** The checked values, in the order of `options`. */
  value: string[];
  onChange: (value: string[]) => void;
  onBlur?: () => void;
  error?: string;
  /** Shown instead of the list when there are no options. */
  empty?: ReactNode;
  className?: string;
}

/**
 * A list of checkboxes whose value is always a string[] — also with a single option, where a plain
 * registered checkbox gives react-hook-form a string or `false`. Use it through a Controller.
 */
export function CheckboxGroup({
  legend,
  options,
  value,
  onChange,
  onBlur,
  error,
  empty,
  className,
}: CheckboxGroupProps) {
  const id = useId();
  const toggle = (option: string, checked: boolean) => {
    const next = new Set(value);
    if (checked) next.add(option);
    else next.delete(option);
    onChange(options.map((o) => o.value).filter((v) => next.has(v)));
  };
  return (
    <fieldset className={className} aria-describedby={error ? `${id}-error` : undefined}>
      <legend className="mb-2 text-sm font-medium text-slate-700">{legend}</legend>
      {options.length === 0 ? (
        <p className="text-sm text-slate-600">{empty}</p>
      ) : (
        <ul className="grid gap-2 sm:grid-cols-2">
          {options.map((o) => (
            <li key={o.value}>
              <label
                className={cn("flex items-start gap-2 text-sm", o.unavailableReason && "text-slate-500")}
              >
                <input
                  type="checkbox"
                  value={o.value}
                  checked={value.includes(o.value)}
                  disabled={!!o.unavailableReason}
                  onChange={(e) => toggle(o.value, e.target.checked)}
                  onBlur={onBlur}
                  className="accent-brand-600 mt-0.5"
                />
                <span>
                  {o.label}
                  {o.unavailableReason && (
                    <span className="block text-xs">Not available: {o.unavailableReason}</span>
                  )}
                </span>
              </label>
            </li>
          ))}
        </ul>
      )}
      {error && <FieldError id={`${id}-error`}>{error}</FieldError>}
    </fieldset>
  );
}

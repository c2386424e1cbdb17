"use client";

import { useId, type ReactNode } from "react";

/**
 * One choice among a few, as radio buttons under a legend; `children` go inside the fieldset after them
 * (a field that belongs to one of the choices).
 */
export function RadioGroup<V extends string>({
  legend,
  options,
  value,
  onChange,
  children,
}: {
  legend: ReactNode;
  options: { value: V; label: ReactNode }[];
  value: V;
  onChange: (value: V) => void;
  children?: ReactNode;
}) {
  const name = useId();
  return (
    <fieldset className="flex flex-col gap-2">
      <legend className="mb-1 font-medium text-slate-700">{legend}</legend>
      {options.map((o) => (
        <label key={o.value} className="flex items-center gap-2">
          <input
            type="radio"
            name={name}
            checked={value === o.value}
            onChange={() => onChange(o.value)}
            className="accent-brand-600"
          />
          {o.label}
        </label>
      ))}
      {children}
    </fieldset>
  );
}

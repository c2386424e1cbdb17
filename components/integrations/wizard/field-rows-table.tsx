"use client";

import { Lock, Plus, Trash2 } from "lucide-react";
import type { ReactNode } from "react";
import { useFieldArray, useFormContext, useWatch } from "react-hook-form";

import { Button } from "@/components/ui/button";
import { FieldError } from "@/components/ui/field";
import { Input, Select } from "@/components/ui/input";
import { Table, Td, Th } from "@/components/ui/table";
import type { IntegrationFormValues } from "@/lib/validation/integration";
import { EVENT_VARIABLES, eventVariableNames, type FieldRow } from "@/lib/validation/integration-fields";

type RowsName = "params" | "headers" | "body";

// Keys and Text values alike: what is sent, character for character, in one size.
const CELL_TEXT = "font-mono text-sm";

const isVariable = (value: string) => (eventVariableNames as readonly string[]).includes(value);

interface FieldRowsTableProps {
  name: RowsName;
  /** What one row is, for accessible names: "Param 1 key", "Header 2 value"… */
  rowNoun: string;
  /** Rows shown read-only above the editable ones (the default headers). */
  readOnlyRows?: readonly { key: string; value: string }[];
  /** Called after any row changes (the Params tab rewrites the URL from it). */
  onRowsChange?: () => void;
  /** Shown when there are no rows. */
  empty: ReactNode;
  keyPlaceholder?: string;
}

/**
 * The Key / Value / Type table of the Params, Headers and Body tabs: Add Field appends a row, a Variable
 * row picks its value from the event variables, and each row's error (from the shared schema) shows
 * under it.
 */
export function FieldRowsTable({
  name,
  rowNoun,
  readOnlyRows = [],
  onRowsChange,
  empty,
  keyPlaceholder,
}: FieldRowsTableProps) {
  const { control, register, setValue, getValues, formState } = useFormContext<IntegrationFormValues>();
  const { fields, append, remove } = useFieldArray({ control, name });
  const rows = useWatch({ control, name });
  const tabErrors = formState.errors[name];

  const changed = () => onRowsChange?.();

  return (
    <div>
      {/* Fixed columns wide enough for "Variable" and "Actions"; on a phone each row stacks. */}
      <Table aria-label={`${rowNoun}s`} className="table-fixed" stack="actions-last">
        <thead>
          <tr>
            <Th className="w-[30%]">Key</Th>
            <Th>Value</Th>
            <Th className="w-36">Type</Th>
            <Th className="w-20 text-right">Actions</Th>
          </tr>
        </thead>
        <tbody>
          {readOnlyRows.map((row) => (
            <tr key={row.key} className="bg-slate-50/60">
              <Td label="Key" className={`${CELL_TEXT} break-all text-slate-700`}>
                {row.key}
              </Td>
              <Td label="Value" className={`${CELL_TEXT} break-all text-slate-700`}>
                {row.value}
              </Td>
              <Td label="Type" className="text-sm text-slate-600">
                Default
              </Td>
              <Td actions className="text-right">
                <span
                  title="Read-only: set by the platform"
                  className="inline-flex size-8 items-center justify-center"
                >
                  <Lock aria-hidden className="size-4 text-slate-500" />
                  <span className="sr-only">Read-only</span>
                </span>
              </Td>
            </tr>
          ))}
          {fields.map((field, i) => {
            const n = i + 1;
            const type = rows?.[i]?.type ?? field.type;
            const errors = Array.isArray(tabErrors) ? (tabErrors[i] as RowErrors | undefined) : undefined;
            const keyError = errors?.key?.message;
            const valueError = errors?.value?.message;
            const keyErrorId = `${name}-${field.id}-key-error`;
            const valueErrorId = `${name}-${field.id}-value-error`;
            return (
              <tr key={field.id} className="align-top">
                <Td label="Key" className="align-top">
                  <div className="min-w-0 flex-1">
                    <Input
                      aria-label={`${rowNoun} ${n} key`}
                      aria-invalid={keyError ? true : undefined}
                      aria-describedby={keyError ? keyErrorId : undefined}
                      placeholder={keyPlaceholder}
                      className={CELL_TEXT}
                      autoComplete="off"
                      {...register(`${name}.${i}.key`, { onChange: changed })}
                    />
                    {keyError && <FieldError id={keyErrorId}>{keyError}</FieldError>}
                  </div>
                </Td>
                <Td label="Value" className="align-top">
                  <div className="min-w-0 flex-1">
                    {type === "VARIABLE" ? (
                      <Select
                        aria-label={`${rowNoun} ${n} value`}
                        aria-invalid={valueError ? true : undefined}
                        aria-describedby={valueError ? valueErrorId : undefined}
                        {...register(`${name}.${i}.value`, { onChange: changed })}
                      >
                        <option value="">Choose a variable…</option>
                        {EVENT_VARIABLES.map((v) => (
                          <option key={v.name} value={v.name}>
                            {v.label}
                          </option>
                        ))}
                      </Select>
                    ) : (
                      <Input
                        aria-label={`${rowNoun} ${n} value`}
                        aria-invalid={valueError ? true : undefined}
                        aria-describedby={valueError ? valueErrorId : undefined}
                        className={CELL_TEXT}
                        autoComplete="off"
                        {...register(`${name}.${i}.value`, { onChange: changed })}
                      />
                    )}
                    {valueError && <FieldError id={valueErrorId}>{valueError}</FieldError>}
                  </div>
                </Td>
                <Td label="Type" className="align-top">
                  <Select
                    aria-label={`${rowNoun} ${n} type`}
                    {...register(`${name}.${i}.type`, {
                      onChange: (e: { target: { value: FieldRow["type"] } }) => {
                        // A Variable row needs one of the variables; keep the value when it already is one.
                        if (e.target.value === "VARIABLE" && !isVariable(getValues(`${name}.${i}.value`)))
                          setValue(`${name}.${i}.value`, "");
                        changed();
                      },
                    })}
                  >
                    <option value="TEXT">Text</option>
                    <option value="VARIABLE">Variable</option>
                  </Select>
                </Td>
                <Td actions className="text-right align-top">
                  <Button
                    variant="ghost"
                    size="icon"
                    aria-label={`Delete ${rowNoun.toLowerCase()} ${n}`}
                    title="Delete"
                    onClick={() => {
                      remove(i);
                      changed();
                    }}
                  >
                    <Trash2 aria-hidden className="size-4" />
                  </Button>
                </Td>
              </tr>
            );
          })}
        </tbody>
      </Table>
      {fields.length === 0 && <p className="px-3 py-4 text-sm text-slate-600">{empty}</p>}
      {tabErrors && !Array.isArray(tabErrors) && tabErrors.message && (
        <FieldError>{String(tabErrors.message)}</FieldError>
      )}
      <Button
        variant="secondary"
        size="sm"
        className="mt-3"
        onClick={() => {
          append({ key: "", value: "", type: "TEXT" });
          changed();
        }}
      >
        <Plus aria-hidden className="size-4" />
        Add Field
      </Button>
    </div>
  );
}

type RowErrors = { key?: { message?: string }; value?: { message?: string } };

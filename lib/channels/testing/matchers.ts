import { expect } from "vitest";

// Vitest's asymmetric matchers are typed `any`; these typed wrappers keep typed ESLint happy in object literals.
export const matching = (pattern: RegExp | string): string => expect.stringMatching(pattern) as string;
export const containing = (text: string): string => expect.stringContaining(text) as string;
export const including = <T extends object>(fields: Record<string, unknown>): T =>
  expect.objectContaining(fields) as T;

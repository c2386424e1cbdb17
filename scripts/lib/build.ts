import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";

import { run } from "./processes";

export const nextBin = path.resolve("node_modules/next/dist/bin/next");
const stampFile = path.resolve(".next/source-stamp");

// Everything in the project is a build input (sources, tsconfig.json, postcss/next config, package.json,
// .env files, a folder added later) except what the build never reads: tools' folders, state and output
// folders (the dot-folders .next, .data, .git), tests, docs, and files the build or tsc write themselves.
const SKIP_DIRS = new Set([
  "node_modules",
  "e2e",
  "scripts",
  "test-results",
  "playwright-report",
  "coverage",
  "bench",
]);
const SKIP_FILE = /(\.test\.tsx?|\.md|\.tsbuildinfo|^next-env\.d\.ts)$/;

// A fingerprint of the build inputs (path, size, mtime) and the NEXT_PUBLIC_ variables inlined into the bundle.
function sourceStamp(): string {
  const hash = createHash("sha256");
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
      a.name.localeCompare(b.name),
    )) {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!SKIP_DIRS.has(entry.name) && !entry.name.startsWith(".")) walk(p);
      } else if (!SKIP_FILE.test(entry.name)) {
        const st = statSync(p);
        hash.update(`${p}:${st.size}:${st.mtimeMs}\n`);
      }
    }
  };
  walk(".");
  for (const [k, v] of Object.entries(process.env).sort())
    if (k.startsWith("NEXT_PUBLIC_")) hash.update(`${k}=${v}\n`);
  return hash.digest("hex");
}

/** Runs `next build` unless the last successful build saw exactly these inputs; throws when the build fails. */
export async function buildIfNeeded(): Promise<void> {
  if (
    existsSync(".next/BUILD_ID") &&
    existsSync(stampFile) &&
    readFileSync(stampFile, "utf8") === sourceStamp()
  )
    return;
  console.log("Building the app (first start, or the source changed)…");
  // No stamp while building: a build cut short must not pass for a finished one.
  rmSync(stampFile, { force: true });
  const { code } = await run(process.execPath, [nextBin, "build"]);
  if (code !== 0) throw new Error(`next build failed (exit ${code})`);
  // Stamped after the build, which itself edits inputs (tsconfig.json) on its first run.
  writeFileSync(stampFile, sourceStamp());
}

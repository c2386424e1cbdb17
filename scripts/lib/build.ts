import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";

export const nextBin = path.resolve("node_modules/next/dist/bin/next");
const stampFile = path.resolve(".next/source-stamp");
const INPUTS = [
  "app",
  "components",
  "lib",
  "db",
  "public",
  "proxy.ts",
  "instrumentation.ts",
  "next.config.js",
  "package-lock.json",
];

// A fingerprint of everything the build reads, so a pulled or edited change triggers a rebuild.
function sourceStamp(): string {
  const hash = createHash("sha256");
  const walk = (p: string) => {
    if (!existsSync(p)) return;
    const st = statSync(p);
    if (st.isDirectory()) for (const name of readdirSync(p).sort()) walk(path.join(p, name));
    else if (!p.endsWith(".test.ts")) hash.update(`${p}:${st.size}:${st.mtimeMs}\n`);
  };
  for (const p of INPUTS) walk(p);
  return hash.digest("hex");
}

/** Runs `next build` unless the last build saw exactly these sources. */
export function buildIfNeeded(): void {
  const stamp = sourceStamp();
  if (existsSync(".next/BUILD_ID") && existsSync(stampFile) && readFileSync(stampFile, "utf8") === stamp)
    return;
  console.log("Building the app (first start, or the source changed)…");
  const result = spawnSync(process.execPath, [nextBin, "build"], { stdio: "inherit" });
  if (result.status !== 0) process.exit(result.status ?? 1);
  writeFileSync(stampFile, stamp);
}

// `npm run worker`: runs the standalone delivery worker (scripts/worker.ts) as one plain-Node bundle,
// rebuilt with esbuild when a source changed. A long-running worker thus carries no TypeScript loader,
// whose own thread and caches would add ~40 MB to every worker process.
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

import { build } from "esbuild";

const root = path.resolve(import.meta.dirname, "..");
const outDir = path.join(root, "node_modules", ".cache", "delivery-worker");
const bundle = path.join(outDir, "worker.mjs");
const stampFile = path.join(outDir, "source-stamp");
const INPUTS = ["lib", "db", "scripts", "package-lock.json", "tsconfig.json"];

function sourceStamp() {
  const hash = createHash("sha256");
  const walk = (p) => {
    if (!existsSync(p)) return;
    const st = statSync(p);
    if (st.isDirectory()) for (const name of readdirSync(p).sort()) walk(path.join(p, name));
    else if (!p.endsWith(".test.ts")) hash.update(`${p}:${st.size}:${st.mtimeMs}\n`);
  };
  for (const p of INPUTS) walk(path.join(root, p));
  return hash.digest("hex");
}

const stamp = sourceStamp();
if (!existsSync(bundle) || !existsSync(stampFile) || readFileSync(stampFile, "utf8") !== stamp) {
  // Built beside, then renamed: two workers starting at once never run a half-written bundle.
  const partial = `${bundle}.${process.pid}.tmp`;
  await build({
    entryPoints: [path.join(root, "scripts", "worker.ts")],
    outfile: partial,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    // npm packages stay as they are in node_modules; only this repository's TypeScript is bundled.
    packages: "external",
    tsconfig: path.join(root, "tsconfig.json"),
    // The one `import.meta.dirname` in the worker's code is db/migrate.ts's, locating the migrations.
    define: { "import.meta.dirname": JSON.stringify(path.join(root, "db")) },
    logLevel: "warning",
  });
  renameSync(partial, bundle);
  writeFileSync(stampFile, stamp);
}
await import(pathToFileURL(bundle).href);

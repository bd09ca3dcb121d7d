#!/usr/bin/env node
/**
 * Lays out what the container image runs, and nothing else: `node scripts/runtime-image.mjs <out>`
 * (after `npm run build`) writes into <out>
 *   - dist/: only the files `tollgate serve` and `tollgate mock-upstream` can load, found by
 *     following imports from the CLI and the worker entry (the policy compiler left out:
 *     plans are compiled by the npm package, in CI);
 *   - package.json: the dependencies those files import, and one uWebSockets.js package: the
 *     one whose native build loads on this Node and platform (the image's), or none, and
 *     the gateway then serves on node:http;
 *   - node_modules/: `npm ci --omit=dev` of the lockfile, pruned to those dependencies, with
 *     the other platforms' and Node versions' native binaries deleted, and the packages
 *     Node never loads (BROWSER_ONLY) removed.
 * Run it on the Node version and platform of the image (the Dockerfile's build stage).
 * Prints the size of node_modules, and exits 1 when the runtime imports a package that
 * package.json does not declare.
 */
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { basename, dirname, join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = resolve(fileURLToPath(new URL("..", import.meta.url)));
const DIST = join(ROOT, "dist");
/** What runs: the command line and the serving worker threads it starts. */
const ENTRIES = ["cli/main.js", "runtime/workers/worker-entry.js"];
/**
 * The policy compiler: not run by the image (`check`, `compile`, `serve --policy` say so).
 * cli/compile-worker.js stays: `serve --plan` reads and validates the plan in it, and it
 * imports the compiler only for `serve --policy`.
 */
const COMPILER = (file) => file.startsWith("compiler/") && file !== "compiler/version.js";
/**
 * Dependencies of dependencies that only a browser build loads: @azure/identity declares
 * MSAL's browser library (20 MiB) for its interactive browser flows, which the Node build
 * never imports (test/deploy/runtime-image.test.ts builds every Entra credential the
 * policy can name from the layout without it).
 */
const BROWSER_ONLY = ["@azure/msal-browser"];
/** The uWebSockets.js packages runtime/server/load-uws.ts may load, by the source name it reports. */
const UWS_PACKAGES = ["uWebSockets.js", "@btc-vision/uwebsockets.js", "@trufflesuite/uws-js-unofficial"];
/**
 * Module specifiers in compiled ESM: static imports and re-exports (at the start of a line,
 * as tsc writes them), dynamic imports, require() and require.resolve(), a package loaded
 * on first use through createRequire(import.meta.url)("pg") (missing it shipped an image
 * without pg), and new URL("./x.js", import.meta.url) (worker entry files).
 */
const SPECIFIER = /(?:^(?:import|export)\b[^;]*?\bfrom\s*|^import\s*|\bimport\(\s*|\brequire(?:\.resolve)?\(\s*|\bcreateRequire\([^()]*\)\(\s*|\bnew URL\(\s*)"([@\w./-]+)"/gm;

function main(outArg) {
  if (outArg === undefined) throw new Error("usage: node scripts/runtime-image.mjs <out-dir>");
  const out = resolve(outArg);
  if (!existsSync(join(DIST, ENTRIES[0]))) throw new Error("dist/ is missing: run `npm run build` first");
  const { files, packages } = closure();
  const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
  // The uWS packages are optional by design (the loader tries each); the one that loads is added below.
  const undeclared = [...packages].filter((p) => !(p in pkg.dependencies) && !UWS_PACKAGES.includes(p));
  if (undeclared.length > 0) throw new Error(`the runtime imports packages package.json does not declare: ${undeclared.join(", ")}`);
  const uws = loadableUws();
  const dependencies = Object.fromEntries(Object.entries(pkg.dependencies).filter(([name]) => (packages.has(name) && !UWS_PACKAGES.includes(name)) || name === uws));

  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  for (const file of files) cpSync(join(DIST, file), join(out, "dist", file));
  for (const file of ["bin/tollgate.js", "LICENSE", "NOTICE", "package-lock.json"]) cpSync(join(ROOT, file), join(out, file));
  // The lockfile's own package.json first, so that `npm ci` accepts it; then the runtime's, and prune.
  writeFileSync(join(out, "package.json"), JSON.stringify(pkg, null, 2));
  npm(out, ["ci", "--omit=dev", "--ignore-scripts", "--no-audit", "--no-fund", "--prefer-offline"]);
  const runtimePkg = { name: pkg.name, version: pkg.version, description: pkg.description, type: pkg.type, license: pkg.license, engines: pkg.engines, bin: pkg.bin, dependencies };
  writeFileSync(join(out, "package.json"), JSON.stringify(runtimePkg, null, 2) + "\n");
  npm(out, ["prune", "--omit=dev", "--ignore-scripts", "--no-audit", "--no-fund"]);
  const removed = dropForeignBinaries(join(out, "node_modules"));
  for (const name of BROWSER_ONLY) rmSync(join(out, "node_modules", name), { recursive: true, force: true });
  dropUnloaded(join(out, "node_modules"));
  // Installed: the lockfile has done its work and does not run.
  rmSync(join(out, "package-lock.json"));

  const size = du(join(out, "node_modules"));
  process.stdout.write(
    `runtime-image: ${files.length} files of dist/, ${Object.keys(dependencies).length} dependencies (${Object.keys(dependencies).join(", ")}), ` +
      `uWebSockets.js: ${uws ?? "none loads here: node:http"}; ${removed} foreign native binaries removed; node_modules ${(size / 1048576).toFixed(1)} MiB\n`,
  );
}

/** The dist/ files reachable from the entries (compiler excluded), and the packages they import. */
function closure() {
  const files = new Set();
  const packages = new Set();
  const queue = [...ENTRIES];
  while (queue.length > 0) {
    const file = queue.pop();
    if (files.has(file)) continue;
    files.add(file);
    const text = readFileSync(join(DIST, file), "utf8");
    for (const [, spec] of text.matchAll(SPECIFIER)) {
      if (spec.startsWith(".")) {
        const target = relative(DIST, resolve(dirname(join(DIST, file)), spec))
          .split("\\")
          .join("/");
        if (!COMPILER(target) && existsSync(join(DIST, target))) queue.push(target);
      } else if (!spec.startsWith("node:") && !builtinModules.includes(spec)) {
        const parts = spec.split("/");
        packages.add(spec.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]);
      }
    }
  }
  return { files: [...files].sort(), packages };
}

/** The uWS package whose native build loads in this process (the loader's own probe), or null. */
function loadableUws() {
  const probe = execFileSync(
    process.execPath,
    [
      "--input-type=module",
      "-e",
      `import { probeUws } from ${JSON.stringify(pathToFileURL(join(DIST, "runtime/server/load-uws.js")).href)}; const r = probeUws(); process.stdout.write("uws" in r ? r.source : "")`,
    ],
    { encoding: "utf8" },
  );
  return UWS_PACKAGES.find((p) => probe.startsWith(p)) ?? null;
}

/**
 * Deletes native binaries the image cannot load or never loads: uWS builds for other
 * platforms or Node versions (and the copy the trufflesuite package keeps for its own JS
 * entry point, which the loader never uses), node-gyp-build prebuilds for other
 * platforms, and musl builds on glibc. Returns how many were removed.
 */
function dropForeignBinaries(modules) {
  const uwsBinary = `uws_${process.platform}_${process.arch}_${process.versions.modules}.node`;
  const platform = `${process.platform}-${process.arch}`;
  const glibc = process.platform === "linux" && typeof process.report?.getReport().header.glibcVersionRuntime === "string";
  let removed = 0;
  const remove = (path) => {
    rmSync(path, { recursive: true });
    removed++;
  };
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        // node-gyp-build layout: prebuilds/<platform>-<arch>/…
        if (basename(dir) === "prebuilds" && !entry.name.startsWith(platform)) remove(path);
        else walk(path);
      } else if (/^uws_.*\.node$/.test(entry.name)) {
        if (entry.name !== uwsBinary || path.includes("uws-js-unofficial/dist/")) remove(path);
      } else if (glibc && entry.name.endsWith(".musl.node")) {
        remove(path);
      }
    }
  };
  walk(modules);
  return removed;
}

/**
 * Removes what Node never loads at run time: source maps and type declarations.
 * @param {string} dir
 */
function dropUnloaded(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) dropUnloaded(path);
    else if (/\.(?:js|mjs|cjs)\.map$|\.d\.(?:ts|mts|cts)$/.test(entry.name)) rmSync(path);
  }
}

function npm(cwd, args) {
  execFileSync("npm", args, { cwd, stdio: ["ignore", "ignore", "inherit"] });
}

function du(dir) {
  let bytes = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    bytes += entry.isDirectory() ? du(path) : entry.isFile() ? statSync(path).size : 0;
  }
  return bytes;
}

try {
  main(process.argv[2]);
} catch (err) {
  process.stderr.write(`runtime-image: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
}

/**
 * Turns command-line paths into policy sources: files as given, directories searched
 * recursively for *.yaml / *.yml / *.ts (hidden entries, `node_modules`, `*.d.ts` and
 * `*.test.ts` skipped), plus the policy modules that TypeScript files import
 * relatively. The result is sorted by path, which is the order in which documents
 * merge, so the same tree always compiles to the same plan.
 *
 * A directory that also holds other YAML (Kubernetes manifests, CI files) is read with
 * `include` patterns (`--include` on the command line): only files whose path relative
 * to the directory matches one of them are read from it. `*` matches within a path
 * segment, `**` any number of segments, `?` one character. Files named explicitly are
 * always read.
 */
import { open, readdir, stat } from "node:fs/promises";
import { join, normalize, relative, sep } from "node:path";
import type { Source } from "../ir.js";
import { importedPolicyModules } from "./import-closure.js";
import { MAX_FILE_BYTES } from "./load-yaml.js";

/** A problem with the command line rather than the policy (exit code 2). */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

const POLICY_FILE = /\.(ya?ml|ts)$/i;
const NOT_POLICY_FILE = /\.(d|test)\.ts$/i;

/** How directories are read. */
export interface ReadOptions {
  /** Glob patterns (relative to each directory given) of the files to read; absent: every policy file. */
  readonly include?: readonly string[];
}

/** Reads every policy file under `paths`; throws UsageError for a missing path or no files. */
export async function readPolicySources(paths: readonly string[], options: ReadOptions = {}): Promise<Source[]> {
  if (paths.length === 0) throw new UsageError("no policy paths given");
  const include = options.include?.map(globToRegExp) ?? null;
  const files = new Set<string>();
  for (const given of paths) {
    const path = normalize(given);
    const info = await stat(path).catch(() => null);
    if (info === null) throw new UsageError(`no such file or directory: ${given}`);
    if (info.isDirectory()) {
      for (const file of await policyFilesUnder(path)) {
        const inside = relative(path, file).split(sep).join("/");
        if (include === null || include.some((re) => re.test(inside))) files.add(file);
      }
    } else files.add(path);
  }
  if (files.size === 0) {
    const filter = options.include === undefined ? "" : ` matching --include ${options.include.join(" ")}`;
    throw new UsageError(`no policy files (*.yaml, *.yml, *.ts)${filter} found in ${paths.join(", ")}`);
  }
  const texts = new Map<string, string>();
  for (const path of files) texts.set(path, await readCapped(path));
  for (const [path, text] of await importedPolicyModules(texts, readCapped)) texts.set(path, text);
  const sorted = [...texts.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return sorted.map((path) => ({ path, text: texts.get(path) ?? "" }));
}

/** `policy/**\/*.yaml` → an anchored expression over `/`-separated relative paths. */
export function globToRegExp(pattern: string): RegExp {
  let out = "";
  const p = pattern.replace(/^\.\//, "");
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!;
    if (c === "*" && p[i + 1] === "*") {
      // `**/` matches zero or more whole segments; a trailing `**` everything below.
      const slash = p[i + 2] === "/";
      out += slash ? "(?:.*/)?" : ".*";
      i += slash ? 2 : 1;
    } else if (c === "*") out += "[^/]*";
    else if (c === "?") out += "[^/]";
    else out += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${out}$`);
}

async function policyFilesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.name.startsWith(".") || entry.name === "node_modules") continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await policyFilesUnder(path)));
    else if (POLICY_FILE.test(entry.name) && !NOT_POLICY_FILE.test(entry.name) && (entry.isFile() || entry.isSymbolicLink())) out.push(path);
  }
  return out;
}

/**
 * Reads at most one byte more than the load limit, so a huge file is refused by the
 * load pass (which reports it) without ever being held in memory whole.
 */
async function readCapped(path: string): Promise<string> {
  const handle = await open(path, "r");
  try {
    const buffer = Buffer.alloc(MAX_FILE_BYTES + 1);
    let length = 0;
    while (length < buffer.length) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    return buffer.subarray(0, length).toString("utf8");
  } finally {
    await handle.close();
  }
}

/**
 * The repository stands alone: no file cites a document that is not in it, every
 * local link of the Markdown files resolves (anchors included), every repository path
 * the docs quote exists, and nothing reads or cites a folder beside the repository
 * (`../shared`): what the tests need is copied in, with its provenance. Also the README's contract: it stays the front door and holds
 * the test command `.ci/run` runs.
 */
import { execFileSync } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import { dirname, join, normalize, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { diagnosticCodes } from "../../compiler/diagnostics/codes.js";
import { REPO_ROOT } from "../support/repo-paths.js";
import { citedMarkdownFiles, isExternal, markdownAnchors, markdownLinks, quotedRepoPaths } from "./markdown-links.js";

/** Files git knows of (tracked, or new and not ignored), deleted ones and directories left out. */
const FILES: readonly string[] = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard"], { cwd: REPO_ROOT, encoding: "utf8" })
  .split("\n")
  .filter((f) => f.length > 0 && statSync(resolve(REPO_ROOT, f), { throwIfNoEntry: false })?.isFile() === true);
const FILE_SET = new Set(FILES);
const DIRS = new Set(
  FILES.flatMap((f) =>
    f
      .split("/")
      .slice(0, -1)
      .map((_, i, parts) => parts.slice(0, i + 1).join("/")),
  ),
);
const TOP_DIRS = new Set(FILES.filter((f) => f.includes("/")).map((f) => f.slice(0, f.indexOf("/"))));

/** Cited `.md` names that are not documents: [file, name, why]. */
const NOT_DOCUMENTS: readonly (readonly [string, string, string])[] = [
  ["examples/gitops/.github/workflows/policy.yaml", "plan-diff.md", "the file the workflow writes its diff comment to"],
  ["compiler/load/read-paths.test.ts", "p/README.md", "a file the test creates to show it is skipped"],
];

/** The checker and this test, whose examples name missing documents on purpose. */
const CHECKERS: ReadonlySet<string> = new Set(["test/docs/links.test.ts", "test/docs/markdown-links.ts"]);

/** Mentions of a `shared` folder that are not the shared material: [file, why]. */
const NOT_SHARED: ReadonlyMap<string, string> = new Map([["compiler/load/read-paths.test.ts", "an import path inside a policy the test writes"]]);

function text(file: string): string | null {
  if (file === "package-lock.json" || file.startsWith("schemas/generated/")) return null;
  const content = readFileSync(resolve(REPO_ROOT, file), "utf8");
  return content.includes("\0") ? null : content;
}

function lineOf(content: string, index: number): number {
  return content.slice(0, index).split("\n").length;
}

/** The files a cited name can stand for: the path itself, or any file ending in it (leading `./` and `../` aside). */
function filesNamed(name: string): string[] {
  const rest = name.replace(/^(\.{1,2}\/)+/, "");
  return FILES.filter((f) => f === rest || f.endsWith(`/${rest}`));
}

const MARKDOWN = FILES.filter((f) => f.endsWith(".md"));

const ANCHORS = new Map<string, Set<string>>();
/** The anchors of a Markdown file of the repository, read once. */
function anchorsOf(file: string): Set<string> {
  let set = ANCHORS.get(file);
  if (!set) ANCHORS.set(file, (set = markdownAnchors(readFileSync(resolve(REPO_ROOT, file), "utf8"))));
  return set;
}

describe("documents", () => {
  it("sees the real tree (the scanners work)", () => {
    expect(MARKDOWN).toContain("README.md");
    expect(MARKDOWN).toContain("docs/reference/policy.md");
    expect(citedMarkdownFiles("see REFERENCE.md §A.1 and ../docs/providers.md#azure-openai, not https://x.io/a.md").map((c) => [c.name, c.anchor])).toEqual([
      ["REFERENCE.md", undefined],
      ["../docs/providers.md", "azure-openai"],
    ]);
    const sample = "# A `b` c\n\n## A `b` c\n\n```\n[x](nope.md)\n```\n[y](other.md#a-b-c-1) `runtime/base/usage.ts:3:1` `runtime/<kind>/`\n";
    expect(markdownLinks(sample)).toEqual([{ line: 8, target: "other.md#a-b-c-1" }]);
    expect([...markdownAnchors(sample)]).toEqual(["a-b-c", "a-b-c-1"]);
    expect(quotedRepoPaths(sample, TOP_DIRS)).toEqual([{ line: 8, path: "runtime/base/usage.ts" }]);
  });

  it("no file cites a Markdown document that is not in the repository, nor a heading it lacks", () => {
    const missing: string[] = [];
    for (const file of FILES) {
      const content = text(file);
      if (content === null) continue;
      if (CHECKERS.has(file)) continue;
      for (const { name, anchor, index } of citedMarkdownFiles(content)) {
        if (NOT_DOCUMENTS.some(([f, n]) => f === file && n === name)) continue;
        const found = filesNamed(name);
        if (found.length === 0) missing.push(`${file}:${lineOf(content, index)}: cites ${name}, which is not in the repository`);
        else if (anchor !== undefined && !found.some((f) => anchorsOf(f).has(anchor)))
          missing.push(`${file}:${lineOf(content, index)}: cites ${name}#${anchor}, which has no such heading`);
      }
    }
    expect(missing).toEqual([]);
  });

  it("every local link in a Markdown file resolves, and so does its anchor", () => {
    const broken: string[] = [];
    for (const file of MARKDOWN) {
      for (const { line, target } of markdownLinks(readFileSync(resolve(REPO_ROOT, file), "utf8"))) {
        if (isExternal(target)) continue;
        const [path = "", anchor] = target.split("#", 2);
        const to = path === "" ? file : normalize(join(dirname(file), decodeURIComponent(path))).replace(/\/$/, "");
        if (!FILE_SET.has(to) && !DIRS.has(to)) {
          broken.push(`${file}:${line}: ${target}: no file ${to}`);
        } else if (anchor !== undefined && to.endsWith(".md") && !anchorsOf(to).has(anchor)) {
          broken.push(`${file}:${line}: ${target}: ${to} has no heading or anchor #${anchor}`);
        }
      }
    }
    expect(broken).toEqual([]);
  });

  it("every repository path the Markdown files quote exists", () => {
    const missing: string[] = [];
    for (const file of MARKDOWN) {
      for (const { line, path } of quotedRepoPaths(readFileSync(resolve(REPO_ROOT, file), "utf8"), TOP_DIRS)) {
        const p = path.replace(/\/$/, "");
        if (!FILE_SET.has(p) && !DIRS.has(p)) missing.push(`${file}:${line}: \`${path}\` is not in the repository`);
      }
    }
    expect(missing).toEqual([]);
  });

  it("every diagnostic code the Markdown files mention exists", () => {
    const known = new Set(Object.values(diagnosticCodes).map((d) => d.code as string));
    const unknown: string[] = [];
    for (const file of MARKDOWN) {
      const content = readFileSync(resolve(REPO_ROOT, file), "utf8");
      for (const m of content.matchAll(/\bTG\d{4}\b/g)) if (!known.has(m[0])) unknown.push(`${file}:${lineOf(content, m.index)}: ${m[0]}`);
    }
    expect(unknown).toEqual([]);
  });

  it("nothing reads or cites ../shared: the repository stands alone", () => {
    const found: string[] = [];
    for (const file of FILES) {
      if (NOT_SHARED.has(file) || CHECKERS.has(file)) continue;
      const content = text(file);
      if (content === null) continue;
      for (const m of content.matchAll(/(?:\.\.|\/work)\/shared(?![\w.-])|\bshared\/conformance\b/g)) found.push(`${file}:${lineOf(content, m.index)}: ${m[0]}`);
    }
    expect(found).toEqual([]);
  });
});

describe("README.md", () => {
  const readme = readFileSync(resolve(REPO_ROOT, "README.md"), "utf8");

  it("stays the front door: at most 300 lines, the guides are under docs/", () => {
    expect(readme.split("\n").length).toBeLessThanOrEqual(300);
  });

  it("holds the two commands, and .ci/run runs exactly the README's test command, on a clone standing alone", () => {
    expect(readme).toContain("```sh\nnpm ci && npm start\n```");
    expect(readme).toContain("```sh\nnpm ci && npm test\n```");
    const ci = readFileSync(resolve(REPO_ROOT, ".ci/run"), "utf8");
    const commands = ci.split("\n").filter((l) => /^npm /.test(l));
    expect(commands).toEqual(["npm ci && npm test"]);
    // …on a clone in an empty temporary folder, so that nothing beside the repository can be read.
    const lines = ci.split("\n");
    const clone = lines.findIndex((l) => /^git clone .* \. "\$alone\/tollgate"$/.test(l));
    expect(lines.some((l) => /^alone="\$\(mktemp -d\)"$/.test(l))).toBe(true);
    expect(lines.indexOf('cd "$alone/tollgate"')).toBeGreaterThan(clone);
    expect(lines.indexOf("npm ci && npm test")).toBeGreaterThan(lines.indexOf('cd "$alone/tollgate"'));
  });
});

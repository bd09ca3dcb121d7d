/**
 * What the documentation checks read out of Markdown and source files: local links and
 * their anchors, repository paths quoted as inline code, and the names of Markdown
 * files a file cites. Plain string scanning, no Markdown library: the docs use a small,
 * regular subset (ATX headings, inline links, fenced code blocks).
 */
import { slug } from "../../scripts/docs/markdown.js";

/** One Markdown line outside fenced code, its inline code set apart. */
interface ProseLine {
  readonly line: number;
  /** The line with fenced blocks blanked and inline code spans replaced by `<code>`. */
  readonly prose: string;
  /** The contents of the line's inline code spans. */
  readonly code: readonly string[];
}

const FENCE = /^\s*(```|~~~)/;

/** The lines of a Markdown text outside fenced code blocks, inline code set apart. */
export function proseLines(markdown: string): ProseLine[] {
  const out: ProseLine[] = [];
  let fenced = false;
  markdown.split("\n").forEach((text, i) => {
    if (FENCE.test(text)) {
      fenced = !fenced;
      return;
    }
    if (fenced) return;
    const code: string[] = [];
    const prose = text.replace(/(`+)([^`]|[^`].*?[^`])\1(?!`)/g, (_m, _ticks: string, inner: string) => {
      code.push(inner.trim());
      return "<code>";
    });
    out.push({ line: i + 1, prose, code });
  });
  return out;
}

/** A link found in a Markdown file. */
export interface MarkdownLink {
  readonly line: number;
  readonly target: string;
}

/** Inline links `[text](target)` (images too) and reference definitions `[x]: target`, outside code. */
export function markdownLinks(markdown: string): MarkdownLink[] {
  const links: MarkdownLink[] = [];
  for (const { line, prose } of proseLines(markdown)) {
    for (const m of prose.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) links.push({ line, target: m[1]! });
    const def = /^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+"[^"]*")?\s*$/.exec(prose);
    if (def) links.push({ line, target: def[1]! });
  }
  return links;
}

/** Whether a link leaves the repository (a URL with a scheme, or a protocol-relative one). */
export function isExternal(target: string): boolean {
  return /^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith("//");
}

/** The anchors a Markdown file defines: its headings, numbered as GitHub numbers repeats, and explicit `id`/`name` attributes. */
export function markdownAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  let fenced = false;
  for (const text of markdown.split("\n")) {
    if (FENCE.test(text)) fenced = !fenced;
    if (fenced) continue;
    const heading = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(text);
    if (!heading) continue;
    const base = slug(heading[1]!);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  for (const m of markdown.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) anchors.add(m[1]!);
  return anchors;
}

/** A repository path quoted as inline code in prose, e.g. `runtime/base/usage.ts`. */
export interface QuotedPath {
  readonly line: number;
  readonly path: string;
}

/**
 * Inline code that names a path under one of `topDirs` (the repository's top-level
 * folders): `dir/…`, without placeholders or globs (`<kind>`, `{id}`, `*`), a
 * `:line:col` suffix dropped.
 */
export function quotedRepoPaths(markdown: string, topDirs: ReadonlySet<string>): QuotedPath[] {
  const out: QuotedPath[] = [];
  for (const { line, code } of proseLines(markdown)) {
    for (const raw of code) {
      const path = raw.replace(/(:\d+){1,2}$/, "");
      if (!/^[\w.-]+\/[\w./@-]*$/.test(path) || path.includes("..")) continue;
      if (!topDirs.has(path.slice(0, path.indexOf("/")))) continue;
      out.push({ line, path });
    }
  }
  return out;
}

/** A Markdown file name a text cites, the anchor it names if any, and where. */
export interface Citation {
  readonly name: string;
  readonly anchor: string | undefined;
  readonly index: number;
}

/** The names of Markdown files a text cites (`REFERENCE.md`, `../docs/x.md`), URLs left out. */
export function citedMarkdownFiles(text: string): Citation[] {
  // URLs are blanked to spaces of the same length, so indices still point into `text`.
  const withoutUrls = text.replace(/[a-z][a-z0-9+.-]*:\/\/\S+/gi, (url) => " ".repeat(url.length));
  return [...withoutUrls.matchAll(/(?<![\w./-])([\w./-]*[\w-]\.md)(?:#([\w-]+))?(?![\w-])/g)].map((m) => ({ name: m[1]!, anchor: m[2], index: m.index }));
}

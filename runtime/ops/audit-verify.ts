/**
 * Checks an audit log's hash chains (see audit-log.ts): each line's `hash` must be the
 * SHA-256 of the line up to it, and its `prev` the hash of the previous line of the
 * same chain (null for a chain's first line). The first line that fails is named.
 */

export interface AuditVerdict {
  readonly ok: boolean;
  readonly lines: number;
  readonly chains: number;
  /** 1-based number of the first broken line, and why. */
  readonly broken?: { readonly line: number; readonly reason: string };
}

const TAIL = /,"hash":"([0-9a-f]{64})"\}$/;

/** Verifies the text of an audit log; `sha256` is injected (the runtime's crypto, or a test's). */
export function verifyAuditText(text: string, sha256: (s: string) => string): AuditVerdict {
  const last = new Map<string, string>();
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const fail = (reason: string): AuditVerdict => ({ ok: false, lines: lines.length, chains: last.size, broken: { line: i + 1, reason } });
    const m = TAIL.exec(line);
    if (m === null) return fail("no hash at the end of the line (not written by the audit log, or cut)");
    const body = `${line.slice(0, m.index)}}`;
    if (sha256(body) !== m[1]) return fail("its hash does not match its content: the line was changed");
    let parsed: { chain?: unknown; prev?: unknown };
    try {
      parsed = JSON.parse(line) as { chain?: unknown; prev?: unknown };
    } catch {
      return fail("not JSON");
    }
    if (typeof parsed.chain !== "string") return fail("no chain id");
    const expected = last.get(parsed.chain) ?? null;
    if (parsed.prev !== expected) {
      return fail(
        expected === null
          ? "it names a previous line that is not in the file: lines before it were removed"
          : "its previous-line hash does not match the line before it in its chain: a line was removed, inserted or moved",
      );
    }
    last.set(parsed.chain, m[1]!);
  }
  return { ok: true, lines: lines.length, chains: last.size };
}

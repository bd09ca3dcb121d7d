/**
 * A raw TCP HTTP client for malformed-input tests: sends exactly the bytes given, in
 * the segments given, and reports the status line, or how the connection ended.
 */
import { connect } from "node:net";

export interface RawOutcome {
  /** The response status, or null when none came. */
  status: number | null;
  /** The full response text received. */
  text: string;
  /** "response" | "closed" (closed with no response) | "timeout" (no response, still open). */
  ending: "response" | "closed" | "timeout";
}

export function rawRequest(port: number, segments: (string | Buffer)[], opts: { gapMs?: number; waitMs?: number } = {}): Promise<RawOutcome> {
  const gapMs = opts.gapMs ?? 30;
  const waitMs = opts.waitMs ?? 2000;
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    let text = "";
    let settled = false;
    const finish = (ending: RawOutcome["ending"]): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const m = /^HTTP\/1\.1 (\d{3})/.exec(text);
      resolve({ status: m ? Number(m[1]) : null, text, ending: m ? "response" : ending });
    };
    const timer = setTimeout(() => finish("timeout"), waitMs);
    socket.setNoDelay(true);
    socket.on("data", (d) => {
      text += d.toString("latin1");
      // A complete response with Content-Length is enough; no need to wait for close.
      const head = text.indexOf("\r\n\r\n");
      const len = /content-length: (\d+)/i.exec(text);
      if (head !== -1 && len && text.length >= head + 4 + Number(len[1])) finish("response");
    });
    socket.on("error", () => finish("closed"));
    socket.on("close", () => finish("closed"));
    socket.on("connect", async () => {
      for (const s of segments) {
        if (socket.destroyed) return;
        socket.write(s);
        await new Promise((r) => setTimeout(r, gapMs));
      }
    });
  });
}

/** Everything a raw connection received, parsed into responses, and how it ended. */
export interface RawConversation {
  /** The status of every complete response, in order. */
  statuses: number[];
  /** The bodies of those responses (Content-Length framed; chunked bodies as sent). */
  bodies: string[];
  /** "closed": the server closed (or reset) the connection; "open": still open at `waitMs`. */
  ending: "closed" | "open";
  /** Milliseconds from connecting to the end (informational: never asserted). */
  ms: number;
}

/** Splits received bytes into responses (status and Content-Length body); a partial tail is left out. */
export function parseResponses(text: string): { statuses: number[]; bodies: string[] } {
  const statuses: number[] = [];
  const bodies: string[] = [];
  let at = 0;
  for (;;) {
    const head = text.indexOf("\r\n\r\n", at);
    if (head === -1) break;
    const m = /^HTTP\/1\.[01] (\d{3})/.exec(text.slice(at, head));
    if (m === null) break;
    const len = /\r\ncontent-length: *(\d+)/i.exec(text.slice(at, head + 2));
    const end = head + 4 + (len ? Number(len[1]) : 0);
    if (len && text.length < end) break;
    statuses.push(Number(m[1]));
    bodies.push(text.slice(head + 4, end));
    if (!len) break;
    at = end;
  }
  return { statuses, bodies };
}

/**
 * Sends `segments` (with `gapMs` between them) on one raw connection and listens until
 * the server closes it, `expect` responses are complete, or `waitMs` passes.
 */
export function rawConversation(port: number, segments: (string | Buffer)[], opts: { gapMs?: number; waitMs?: number; expect?: number } = {}): Promise<RawConversation> {
  const gapMs = opts.gapMs ?? 30;
  const waitMs = opts.waitMs ?? 5000;
  const started = Date.now();
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    let text = "";
    let settled = false;
    const finish = (ending: RawConversation["ending"]): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ ...parseResponses(text), ending, ms: Date.now() - started });
    };
    const timer = setTimeout(() => finish("open"), waitMs);
    socket.setNoDelay(true);
    socket.on("data", (d) => {
      text += d.toString("latin1");
      if (opts.expect !== undefined && parseResponses(text).statuses.length >= opts.expect) finish("open");
    });
    socket.on("error", () => finish("closed"));
    socket.on("close", () => finish("closed"));
    socket.on("connect", async () => {
      for (const s of segments) {
        if (socket.destroyed) return;
        socket.write(s);
        if (gapMs > 0) await new Promise((r) => setTimeout(r, gapMs));
      }
    });
  });
}

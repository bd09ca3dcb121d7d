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

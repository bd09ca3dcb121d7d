import { describe, expect, it } from "vitest";
import { SseParser } from "./sse-parser.js";

describe("SseParser", () => {
  it("parses named events split at every byte, CRLF and multi-line data included", () => {
    const text = 'event: a\r\ndata: {"x":1}\r\n\r\n: comment\n\ndata: line1\ndata: line2\n\nevent: b\ndata: é\n\n';
    const p = new SseParser();
    const bytes = Buffer.from(text);
    const out = [];
    for (let i = 0; i < bytes.length; i++) out.push(...p.push(bytes.subarray(i, i + 1)));
    out.push(...p.end());
    expect(out).toEqual([
      { event: "a", data: '{"x":1}' },
      { event: "message", data: "line1\nline2" },
      { event: "b", data: "é" },
    ]);
  });

  it("dispatches an unterminated last event at end()", () => {
    const p = new SseParser();
    expect(p.push(Buffer.from("data: tail"))).toEqual([]);
    expect(p.end()).toEqual([{ event: "message", data: "tail" }]);
  });
});

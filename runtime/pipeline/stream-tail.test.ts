import { describe, expect, it } from "vitest";
import { StreamTail } from "./stream-tail.js";

describe("StreamTail", () => {
  it("sees [DONE] at the end, also when split across chunks and followed by blank lines", () => {
    const t = new StreamTail();
    t.push(Buffer.from('data: {"x":1}\n\ndata: [DO'));
    expect(t.sawDone).toBe(false);
    t.push(Buffer.from("NE]\n\n"));
    expect(t.sawDone).toBe(true);
  });
  it("does not count a [DONE] that is followed by more events", () => {
    const t = new StreamTail();
    t.push(Buffer.from('data: [DONE]\n\ndata: {"x":1}\n\n'));
    expect(t.sawDone).toBe(false);
  });
});

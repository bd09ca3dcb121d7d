/** The one message-text walker: which texts it visits, how it stops, and its copy-on-write rewrite. */
import { describe, expect, it } from "vitest";
import type { ChatMessage } from "./chat-request.js";
import { ALL_TEXT, CONTENT, finalQuestion, lastUserText, mediaParts, NAMES, TOOL_ARGUMENTS, walkTexts } from "./message-text.js";

const conversation: readonly ChatMessage[] = [
  { role: "system", content: "Be brief.", name: "ops" },
  {
    role: "user",
    content: [
      { type: "text", text: "Look:" },
      { type: "image_url", image_url: { url: "https://x/y.png" } },
      { type: "text", text: "what is it?" },
    ],
  },
  { role: "assistant", content: null, tool_calls: [{ id: "c1", type: "function", function: { name: "lookup", arguments: '{"q":"y"}' } }] },
  { role: "tool", tool_call_id: "c1", content: "a bird" },
];

function texts(messages: readonly ChatMessage[], what: number): string[] {
  const out: string[] = [];
  walkTexts(messages, what, (text, role, index) => {
    out.push(`${index}:${role}:${text}`);
    return undefined;
  });
  return out;
}

describe("walkTexts", () => {
  it("visits the kinds of text asked for, in order", () => {
    expect(texts(conversation, CONTENT)).toEqual(["0:system:Be brief.", "1:user:Look:", "1:user:what is it?", "3:tool:a bird"]);
    expect(texts(conversation, CONTENT | TOOL_ARGUMENTS)).toEqual(["0:system:Be brief.", "1:user:Look:", "1:user:what is it?", '2:assistant:{"q":"y"}', "3:tool:a bird"]);
    expect(texts(conversation, NAMES)).toEqual(["0:system:ops", "2:assistant:lookup"]);
    expect(texts(conversation, ALL_TEXT)).toHaveLength(7);
  });

  it("stops when the visitor says so, and walks only the range asked for", () => {
    const seen: string[] = [];
    walkTexts(conversation, CONTENT, (text) => {
      seen.push(text);
      return seen.length < 2 ? undefined : false;
    });
    expect(seen).toEqual(["Be brief.", "Look:"]);
    const one: string[] = [];
    walkTexts(
      conversation,
      CONTENT,
      (text) => {
        one.push(text);
        return undefined;
      },
      3,
      4,
    );
    expect(one).toEqual(["a bird"]);
  });

  it("rewrites copy-on-write: untouched messages and parts keep their objects, the input is unchanged", () => {
    const before = structuredClone(conversation);
    expect(walkTexts(conversation, ALL_TEXT, () => undefined)).toBeNull();
    const out = walkTexts(conversation, CONTENT | TOOL_ARGUMENTS, (text) => (text === "what is it?" ? "[REDACTED]" : text.includes('"q"') ? '{"q":"*"}' : undefined))!;
    expect(conversation).toEqual(before);
    expect(out[0]).toBe(conversation[0]);
    expect(out[3]).toBe(conversation[3]);
    const parts = out[1]!.content as unknown[];
    expect(parts[0]).toBe((conversation[1]!.content as unknown[])[0]);
    expect(parts[2]).toEqual({ type: "text", text: "[REDACTED]" });
    expect(out[2]!.tool_calls).toEqual([{ id: "c1", type: "function", function: { name: "lookup", arguments: '{"q":"*"}' } }]);
  });
});

describe("readers built on the walker", () => {
  it("lastUserText joins the last user message's pieces, within the budget", () => {
    expect(lastUserText(conversation, 100)).toBe("Look:\nwhat is it?");
    expect(lastUserText(conversation, 7)).toBe("Look:\nw");
    expect(lastUserText([{ role: "system", content: "x" }], 10)).toBe("");
  });

  it("finalQuestion is the last message when it is a user's text only", () => {
    expect(
      finalQuestion([
        ...conversation.slice(0, 1),
        {
          role: "user",
          content: [
            { type: "text", text: "a" },
            { type: "text", text: "b" },
          ],
        },
      ]),
    ).toBe("a\nb");
    expect(finalQuestion(conversation.slice(0, 2))).toBeNull();
    expect(finalQuestion(conversation)).toBeNull();
    expect(finalQuestion([{ role: "user", content: "" }])).toBeNull();
  });

  it("reads an assistant's refusal part as its text, and rewrites it in place", () => {
    const refused: ChatMessage[] = [{ role: "assistant", content: [{ type: "refusal", refusal: "No, Bob." }] }];
    expect(texts(refused, CONTENT)).toEqual(["0:assistant:No, Bob."]);
    expect(mediaParts(refused[0]!.content)).toBe(0);
    expect(walkTexts(refused, CONTENT, () => "No, [NAME].")![0]!.content).toEqual([{ type: "refusal", refusal: "No, [NAME]." }]);
  });

  it("mediaParts counts the parts without text", () => {
    expect(mediaParts(conversation[1]!.content)).toBe(1);
    expect(mediaParts("text")).toBe(0);
    expect(mediaParts([null, { type: "input_audio" }, { type: "text", text: "" }])).toBe(2);
  });
});

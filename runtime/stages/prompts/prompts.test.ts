import { describe, expect, it } from "vitest";
import type { PlanTemplate } from "../../../schemas/plan/prompts.js";
import { applyPrompts } from "./apply-prompts.js";
import { renderTemplate } from "./render-template.js";
import { chatRequest } from "../../../test/support/chat-request.js";
import { validateChatRequest, type ChatRequestView } from "../../canonical/chat-request.js";

/** A templated request (the header or `template` names one), which may omit `messages`. */
function templated(body: Record<string, unknown>): ChatRequestView {
  const checked = validateChatRequest({ model: "m", ...body }, true);
  if (!checked.ok) throw new Error(checked.message);
  return checked.request;
}

const template: PlanTemplate = {
  name: "t",
  variables: [
    { name: "text", type: "string", required: true, maxLength: 5 },
    { name: "n", type: "number", required: false, default: "3", min: 0 },
    { name: "flag", type: "boolean", required: false },
  ],
  messages: [{ role: "user", segments: ["[", { variable: 0 }, "|", { variable: 1 }, "|", { variable: 2 }, "]"] }],
};

describe("renderTemplate", () => {
  it("renders segments with values, defaults and empty optionals", () => {
    expect(renderTemplate(template, { text: "hi" })).toEqual({ ok: true, messages: [{ role: "user", content: "[hi|3|]" }] });
    expect(renderTemplate(template, { text: "{{n}}", n: 1.5, flag: true })).toEqual({ ok: true, messages: [{ role: "user", content: "[{{n}}|1.5|true]" }] });
  });

  it("refuses wrong types, bounds and shapes with the variable's name", () => {
    expect(renderTemplate(template, { text: "toolong" })).toMatchObject({ ok: false, param: "variables.text" });
    expect(renderTemplate(template, { text: "a", n: -1 })).toMatchObject({ ok: false, message: expect.stringMatching(/at least 0/) });
    expect(renderTemplate(template, { text: "a", flag: "yes" })).toMatchObject({ ok: false, message: expect.stringMatching(/true or false, not a string/) });
    expect(renderTemplate(template, [])).toMatchObject({ ok: false, param: "variables" });
    expect(renderTemplate(template, { text: "a", __proto__x: 1 })).toMatchObject({ ok: false });
  });
});

describe("applyPrompts", () => {
  const table = new Map([["t", { index: 0, template }]]);
  const prompts = { prepend: [{ role: "system" as const, content: "P" }], append: [{ role: "user" as const, content: "A" }] };

  it("puts the template first, the client's messages after, decorators around, and removes template fields, without writing the client's body", () => {
    const body = { model: "m", template: "t", variables: { text: "x" }, messages: [{ role: "user", content: "own" }] };
    const copy = structuredClone(body);
    const request = chatRequest(body);
    const out = applyPrompts(request, {}, table, prompts) as ChatRequestView;
    expect(out).not.toBe(request);
    expect(out.body).toEqual({
      model: "m",
      messages: [
        { role: "system", content: "P" },
        { role: "user", content: "[x|3|]" },
        { role: "user", content: "own" },
        { role: "user", content: "A" },
      ],
    });
    expect(out.messages).toBe(out.body.messages);
    expect(body).toEqual(copy);
    expect(request.messages).toEqual([{ role: "user", content: "own" }]);
  });

  it("gives a templated request without messages its messages from the template", () => {
    const body = { template: "t", variables: { text: "y" } };
    const request = templated(body);
    expect(request.messages).toEqual([]);
    expect("messages" in request.body).toBe(false);
    const out = applyPrompts(request, {}, table, null) as ChatRequestView;
    expect(out.body).toEqual({ model: "m", messages: [{ role: "user", content: "[y|3|]" }] });
    expect(body).toEqual({ template: "t", variables: { text: "y" } });
  });

  it("leaves a request without template or decorators alone", () => {
    const request = chatRequest({ messages: [{ role: "user", content: "hi" }] });
    expect(applyPrompts(request, {}, table, null)).toBe(request);
  });

  it("refuses variables without a template and templates the route does not accept", () => {
    const hi = [{ role: "user", content: "hi" }];
    expect(applyPrompts(chatRequest({ variables: {}, messages: hi }), {}, table, null)).toMatchObject({ code: "invalid_request", param: "variables" });
    expect(applyPrompts(templated({ template: "t", variables: { text: "x" } }), {}, table, { prepend: [], append: [], templates: [] })).toMatchObject({ param: "template" });
    expect(applyPrompts(chatRequest({ messages: hi }), { "x-tollgate-template": "nope" }, table, null)).toMatchObject({ param: "template" });
  });
});

import { describe, expect, it } from "vitest";
import type { PlanTemplate } from "../../../schemas/plan/prompts.js";
import { applyPrompts } from "./apply-prompts.js";
import { renderTemplate } from "./render-template.js";

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

  it("puts the template first, the client's messages after, decorators around, and removes template fields", () => {
    const body: Record<string, unknown> = { model: "m", template: "t", variables: { text: "x" }, messages: [{ role: "user", content: "own" }] };
    expect(applyPrompts(body, {}, table, prompts)).toBe(true);
    expect(body).toEqual({
      model: "m",
      messages: [
        { role: "system", content: "P" },
        { role: "user", content: "[x|3|]" },
        { role: "user", content: "own" },
        { role: "user", content: "A" },
      ],
    });
  });

  it("leaves a request without template or decorators alone", () => {
    const body = { model: "m", messages: [] };
    expect(applyPrompts(body, {}, table, null)).toBe(false);
  });

  it("refuses variables without a template and templates the route does not accept", () => {
    expect(applyPrompts({ variables: {}, messages: [] }, {}, table, null)).toMatchObject({ code: "invalid_request", param: "variables" });
    expect(applyPrompts({ template: "t", variables: { text: "x" }, messages: [] }, {}, table, { prepend: [], append: [], templates: [] })).toMatchObject({ param: "template" });
    expect(applyPrompts({ messages: [] }, { "x-tollgate-template": "nope" }, table, null)).toMatchObject({ param: "template" });
  });
});

/**
 * The secret scrubber on its own: exact values, truncations and the masks providers and
 * proxies print, in plain text, JSON, bytes and streams split at every byte; clean text
 * comes back as the same object.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { forgetHeldSecrets, holdSecret } from "../../runtime/base/held-secrets.js";
import { REDACTED, scrubBytes, scrubSecrets, SecretStreamScrub } from "../../runtime/base/scrub-secrets.js";

const OPENAI = "sk-proj-Zq7VbN2mXc4LpR9tYw3KdF6hJs8GaE1uIo5";
const ANTHROPIC = "sk-ant-api03-Hx8Tq2Vn5Mb7Kc3Wz9Rf4Lp6Js1Dg0Ya-AbCdEfGh";
const AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY";
const SLACK_HOOK = "https://hooks.example.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX";

describe("scrubSecrets", () => {
  beforeEach(() => {
    for (const s of [OPENAI, ANTHROPIC, AWS_SECRET, SLACK_HOOK, "redis://127.0.0.1:6379"]) holdSecret(s);
  });
  afterEach(() => forgetHeldSecrets());

  it.each([
    ["exact", `Incorrect API key provided: ${OPENAI}.`],
    ["exact, anthropic", `invalid x-api-key ${ANTHROPIC}`],
    ["truncated head", `key ${OPENAI.slice(0, 24)}… was refused`],
    ["truncated tail", `key ending ${OPENAI.slice(-14)} was refused`],
    ["OpenAI's mask", `Incorrect API key provided: sk-proj-${"*".repeat(30)}${OPENAI.slice(-4)}.`],
    ["proxy mask with an ellipsis", `Received API Key = sk-…${OPENAI.slice(-4)}, hash = abc`],
    ["proxy mask with dots", `Received API Key = sk-...${ANTHROPIC.slice(-4)}`],
    ["tail-only mask", `key ****${AWS_SECRET.slice(-6)} denied`],
    ["head-and-tail mask", `key ${OPENAI.slice(0, 12)}...${OPENAI.slice(-4)} denied`],
    ["AWS secret with slashes, in JSON", JSON.stringify({ error: { message: `signature for ${AWS_SECRET} does not match` } })],
    ["the token inside a webhook URL", `posting to ${SLACK_HOOK} failed`],
  ])("%s", (_, text) => {
    const out = scrubSecrets(text);
    expect(out).toContain(REDACTED);
    for (const s of [OPENAI, ANTHROPIC, AWS_SECRET]) {
      expect(out).not.toContain(s.slice(-4) === "" ? s : s.slice(-8));
    }
    expect(out).not.toContain(OPENAI.slice(8, 18));
    expect(out).not.toContain("XXXXXXXXXXXXXXXXXXXXXXXX");
  });

  it("leaves other keys, prose, ellipses and addresses alone (the same string)", () => {
    for (const text of [
      "Incorrect API key provided: sk-proj-********************abcd.",
      "Wait... what? The answer is 42… or is it ***?",
      "connect to redis://127.0.0.1:6379 and sk-proj-other1234567890",
      "**bold** and ***very bold***",
    ]) {
      expect(scrubSecrets(text)).toBe(text);
    }
    const bytes = Buffer.from("plain answer");
    expect(scrubBytes(bytes)).toBe(bytes);
  });

  it("scrubs bytes, UTF-8 and binary alike", () => {
    const utf8 = Buffer.from(`密钥 ${OPENAI} 无效…`);
    expect(scrubBytes(utf8).toString()).toBe(`密钥 ${REDACTED} 无效…`);
    const binary = Buffer.concat([Buffer.from([0xff, 0xfe, 0x00]), Buffer.from(OPENAI), Buffer.from([0xc3])]);
    expect(scrubBytes(binary).includes(Buffer.from(OPENAI.slice(8, 18)))).toBe(false);
  });

  it("a stream split at every byte never lets a secret through, and loses nothing else", () => {
    const events = `data: {"error":{"message":"bad key ${OPENAI}"}}\n\ndata: {"x":"sk-…${OPENAI.slice(-4)}"}\n\ndata: [DONE]\n\n`;
    const expected = scrubSecrets(events);
    expect(expected).not.toContain(OPENAI.slice(8, 18));
    const bytes = Buffer.from(events);
    for (let cut = 1; cut < bytes.length; cut++) {
      const s = new SecretStreamScrub();
      const out = Buffer.concat([s.push(bytes.subarray(0, cut)), s.push(bytes.subarray(cut)), s.end() ?? Buffer.alloc(0)]).toString();
      expect(out).toBe(expected);
    }
  });

  it("holds nothing back of an event that ends in a blank line", () => {
    const s = new SecretStreamScrub();
    const event = Buffer.from('data: {"choices":[]}\n\n');
    expect(s.push(event)).toBe(event);
    expect(s.end()).toBeNull();
  });
});

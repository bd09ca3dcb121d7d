/** The mock's Azure URL shapes as the official `AzureOpenAI` client (and the v1 `OpenAI` client) uses them. */
import OpenAI, { AzureOpenAI } from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { completionText } from "./content.js";
import { startMockUpstream, type MockUpstream } from "./index.js";

let mock: MockUpstream;
const KEY = "azure-key";

beforeAll(async () => {
  mock = await startMockUpstream({ defaults: { tokens: 4 }, requireApiKey: KEY });
});
afterAll(() => mock.close());

const messages = [{ role: "user" as const, content: "Say something." }];

describe("Azure OpenAI shapes", () => {
  it("serves the dated deployment API to AzureOpenAI (api-key header, api-version query)", async () => {
    const client = new AzureOpenAI({ endpoint: mock.url.replace(/\/v1$/, ""), apiKey: KEY, apiVersion: "2024-10-21", deployment: "my-deploy", maxRetries: 0 });
    const completion = await client.chat.completions.create({ model: "ignored-by-azure", messages });
    expect(completion.choices[0]?.message.content).toBe(completionText(4));
    expect(completion.model).toBe("my-deploy");
    const seen = mock.requests.at(-1)!;
    expect(seen.path).toBe("/openai/deployments/my-deploy/chat/completions?api-version=2024-10-21");
    expect(seen.headers["api-key"]).toBe(KEY);

    const stream = await client.chat.completions.create({ model: "x", messages, stream: true, stream_options: { include_usage: true } });
    let text = "";
    let usage = null;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? "";
      usage = chunk.usage ?? usage;
    }
    expect(text).toBe(completionText(4));
    expect(usage).toMatchObject({ completion_tokens: 4 });

    const embeddings = await client.embeddings.create({ model: "x", input: "hello" });
    expect(embeddings.data[0]?.embedding).toHaveLength(8);
  });

  it("serves the v1 API (`/openai/v1/…`, the deployment as model) to the plain OpenAI client", async () => {
    const client = new OpenAI({ baseURL: `${mock.url.replace(/\/v1$/, "")}/openai/v1`, apiKey: KEY, maxRetries: 0 });
    const completion = await client.chat.completions.create({ model: "my-deploy+tokens=2", messages });
    expect(completion.choices[0]?.message.content).toBe(completionText(2));
    expect(mock.requests.at(-1)!.path).toBe("/openai/v1/chat/completions");
  });

  it("answers 404 like Azure for a dated URL without api-version", async () => {
    const res = await fetch(`${mock.url.replace(/\/v1$/, "")}/openai/deployments/d/chat/completions`, {
      method: "POST",
      headers: { "api-key": KEY, "content-type": "application/json" },
      body: JSON.stringify({ messages }),
    });
    expect(res.status).toBe(404);
  });
});

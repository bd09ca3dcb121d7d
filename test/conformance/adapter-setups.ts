/**
 * The adapter setups the conformance suite runs against: one entry per way of reaching
 * a provider protocol through the gateway. Each names the provider entry (called `up`)
 * that points at the running mock upstream, the secrets it needs, and the key the mock
 * demands. Add a row to cover a new adapter: every case in chat.conformance.test.ts then
 * runs against it, with the official `openai` client on the gateway side.
 *
 * Contract with the mock (every protocol it speaks): the completion text is
 * `completionText(tokens)`; prompt tokens are `estimatePromptTokens(messages)` (system
 * prompt included); `+key=value` directives in the upstream model name script it
 * (`echo+tokens=5`, `echo+status=429`); offered tools get one call (tool-calls.ts).
 */
import type { RelayEndpoint } from "../../runtime/adapters/adapter.js";
import type { MockUpstream } from "../../tools/mock-upstream/index.js";

export interface AdapterSetup {
  /** Test title. */
  readonly name: string;
  /** The YAML provider entry named `up` (indented for a `providers:` list), pointing at the mock. */
  provider(mock: MockUpstream): string;
  /** Environment the provider's secret references resolve in. */
  readonly env: Readonly<Record<string, string>>;
  /** The key the mock requires (`requireApiKey`), proving the adapter sends credentials its way. */
  readonly mockKey: string | undefined;
  /** The OpenAI endpoints besides chat this setup relays (relay.conformance.test.ts); none when absent. */
  readonly endpoints?: readonly RelayEndpoint[];
}

const ALL_RELAYED: readonly RelayEndpoint[] = ["embeddings", "audio/transcriptions", "audio/speech"];

const KEY = "sk-upstream-conformance";
/** The mock's root (`http://host:port`), for protocols whose base URL is not OpenAI's `/v1`. */
export const mockRoot = (mock: MockUpstream): string => mock.url.replace(/\/v1$/, "");

export const ADAPTER_SETUPS: readonly AdapterSetup[] = [
  {
    name: "openai-compatible",
    provider: (mock) => `  - name: up\n    kind: openai-compatible\n    baseUrl: ${mock.url}\n    apiKeys: [env:UP_KEY]\n`,
    env: { UP_KEY: KEY },
    mockKey: KEY,
    endpoints: ALL_RELAYED,
  },
  {
    name: "openai (catalog vendor, base URL overridden)",
    provider: (mock) => `  - name: up\n    kind: openai\n    baseUrl: ${mock.url}\n    apiKeys: [env:UP_KEY]\n`,
    env: { UP_KEY: KEY },
    mockKey: KEY,
    endpoints: ALL_RELAYED,
  },
  {
    name: "azure-openai (dated api-version)",
    provider: (mock) => `  - name: up\n    kind: azure-openai\n    baseUrl: ${mockRoot(mock)}\n    apiKeys: [env:UP_KEY]\n    azure: { apiVersion: "2024-10-21" }\n`,
    env: { UP_KEY: KEY },
    mockKey: KEY,
    endpoints: ALL_RELAYED,
  },
  {
    name: "azure-openai (v1 API)",
    provider: (mock) => `  - name: up\n    kind: azure-openai\n    baseUrl: ${mockRoot(mock)}\n    apiKeys: [env:UP_KEY]\n    azure: { apiVersion: v1 }\n`,
    env: { UP_KEY: KEY },
    mockKey: KEY,
    endpoints: ALL_RELAYED,
  },
  {
    name: "anthropic",
    provider: (mock) => `  - name: up\n    kind: anthropic\n    baseUrl: ${mock.url}\n    apiKeys: [env:UP_KEY]\n`,
    env: { UP_KEY: KEY },
    mockKey: KEY,
  },
  {
    name: "bedrock (SigV4, event-stream frames)",
    provider: (mock) =>
      `  - name: up\n    kind: bedrock\n    baseUrl: ${mockRoot(mock)}\n    bedrock: { region: us-east-1, accessKeyId: env:UP_AKID, secretAccessKey: env:UP_SECRET }\n`,
    env: { UP_AKID: KEY, UP_SECRET: "conformance-secret" },
    mockKey: KEY,
  },
  {
    name: "gemini",
    provider: (mock) => `  - name: up\n    kind: gemini\n    baseUrl: ${mockRoot(mock)}/v1beta\n    apiKeys: [env:UP_KEY]\n`,
    env: { UP_KEY: KEY },
    mockKey: KEY,
  },
  {
    name: "vertex",
    provider: (mock) => `  - name: up\n    kind: vertex\n    baseUrl: ${mock.url}\n    vertex: { project: tollgate-test, location: us-central1, accessToken: env:UP_TOKEN }\n`,
    env: { UP_TOKEN: KEY },
    mockKey: KEY,
  },
];

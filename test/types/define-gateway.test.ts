/**
 * Type tests of the authoring API: checked by `tsc --noEmit -p .` (each
 * `@ts-expect-error` must meet an error, or tsc fails), and run by vitest for the
 * runtime half (defineGateway is the identity). Imports the sources; the package entry
 * (`import … from "tollgate"`, dist/) is covered by the TypeScript example and the CLI tests.
 */
import { describe, expect, expectTypeOf, it } from "vitest";
import { type GatewayDefinition, type GatewayPolicy, type SecretReference, defineGateway } from "../../schemas/index.js";

const DIGEST = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";

const gateway = defineGateway({
  apiVersion: "tollgate/v1",
  providers: [
    { name: "openai", kind: "openai-compatible", baseUrl: "https://api.openai.com/v1", apiKeys: ["env:OPENAI_API_KEY"] },
    { name: "vllm", kind: "openai-compatible", baseUrl: "http://10.0.0.7:8000/v1", network: "private" },
  ],
  models: [
    {
      name: "chat",
      targets: [
        { provider: "vllm", weight: 3 },
        { provider: "openai", model: "gpt-4o-mini" },
      ],
      fallbacks: [{ model: "gpt-4o" }],
    },
    { name: "gpt-4o", targets: [{ provider: "openai" }], fallbacks: [{ provider: "vllm", model: "llama-3.1-70b" }] },
  ],
  routes: [{ match: { model: "gpt-*" }, model: "chat" }],
  consumers: [{ name: "team-a", keys: [{ sha256: DIGEST }], models: ["chat", "gpt-4o"] }],
  tests: [{ name: "chat is served", given: { model: "chat", consumer: "team-a" }, expect: { model: "chat", target: { provider: "vllm", share: 0.75 } } }],
});

describe("defineGateway", () => {
  it("returns its argument unchanged", () => {
    const policy = { apiVersion: "tollgate/v1" } as const;
    expect(defineGateway(policy)).toBe(policy);
  });

  it("infers provider and model names as literal types", () => {
    type Providers = NonNullable<typeof gateway.providers>[number]["name"];
    type Models = NonNullable<typeof gateway.models>[number]["name"];
    expectTypeOf<Providers>().toEqualTypeOf<"openai" | "vllm">();
    expectTypeOf<Models>().toEqualTypeOf<"chat" | "gpt-4o">();
    expectTypeOf(gateway).toEqualTypeOf<GatewayDefinition<"openai" | "vllm", "chat" | "gpt-4o", "team-a">>();
  });

  it("narrows only references: every other field is the schema's own", () => {
    expectTypeOf<GatewayDefinition<"a", "m">["listener"]>().toEqualTypeOf<GatewayPolicy["listener"]>();
    expectTypeOf<GatewayDefinition<"a", "m">["apiVersion"]>().toEqualTypeOf<GatewayPolicy["apiVersion"]>();
    expectTypeOf<"env:OPENAI_API_KEY">().toExtend<SecretReference>();
    expectTypeOf<"sk-live-123">().not.toExtend<SecretReference>();
  });

  it("rejects typo'd references", () => {
    defineGateway({
      apiVersion: "tollgate/v1",
      providers: [{ name: "openai", kind: "openai-compatible", baseUrl: "https://api.openai.com/v1" }],
      models: [
        // @ts-expect-error: target on an undeclared provider
        { name: "chat", targets: [{ provider: "opneai" }] },
        // @ts-expect-error: fallback to an undeclared provider
        { name: "mini", targets: [{ provider: "openai" }], fallbacks: [{ provider: "azure" }] },
        // @ts-expect-error: fallback to an undeclared model
        { name: "big", targets: [{ provider: "openai" }], fallbacks: [{ model: "chta" }] },
      ],
      // @ts-expect-error: route to an undeclared model
      routes: [{ match: { model: "gpt-*" }, model: "chta" }],
      // @ts-expect-error: consumer allowed an undeclared model
      consumers: [{ name: "c", keys: [{ sha256: DIGEST }], models: ["chat", "embed"] }],
    });
  });

  it("rejects literal secrets and undeclared names in tests", () => {
    defineGateway({
      apiVersion: "tollgate/v1",
      // @ts-expect-error: an API key value instead of a reference
      providers: [{ name: "openai", kind: "openai-compatible", baseUrl: "https://api.openai.com/v1", apiKeys: ["sk-live-123"] }],
    });
    defineGateway({
      apiVersion: "tollgate/v1",
      providers: [{ name: "openai", kind: "openai-compatible", baseUrl: "https://api.openai.com/v1" }],
      models: [{ name: "chat", targets: [{ provider: "openai" }] }],
      // @ts-expect-error: a test expecting an undeclared model
      tests: [{ name: "t", given: { model: "chat" }, expect: { model: "chta" } }],
    });
  });

  it("checks quota matchers and downgrades, route matchers, guardrail, template and classifier names, and test consumers", () => {
    const ok = defineGateway({
      apiVersion: "tollgate/v1",
      providers: [{ name: "openai", kind: "openai-compatible", baseUrl: "https://api.openai.com/v1" }],
      models: [
        { name: "chat", targets: [{ provider: "openai" }], guardrails: ["pii"] },
        { name: "mini", targets: [{ provider: "openai" }] },
      ],
      consumers: [{ name: "web", team: "search", keys: [{ sha256: DIGEST }] }],
      guardrails: [{ name: "pii", input: { pii: { email: "redact" }, moderation: { provider: "openai", onError: "open" } } }],
      templates: [{ name: "summary", messages: [{ role: "user", content: "Summarize {{text}}" }] }],
      classifiers: [{ name: "code", keywords: ["refactor"] }],
      routes: [{ match: { model: "auto", consumer: "web", team: ["search"], classifier: "code" }, model: "chat", guardrails: ["pii"], prompts: { templates: ["summary"] } }],
      quotas: [{ name: "q", limit: 10, per: "day", match: { teams: ["search"], consumers: ["web"], models: ["chat"] }, action: { downgrade: "mini" } }],
      tests: [{ name: "t", given: { model: "chat", consumer: "web" }, expect: { model: "chat" } }],
    });
    type Teams = NonNullable<typeof ok.consumers>[number]["team"];
    expectTypeOf<Teams>().toEqualTypeOf<"search" | undefined>();
    const providers = [{ name: "openai" as const, kind: "openai-compatible" as const, baseUrl: "https://api.openai.com/v1" }];
    const consumers = [{ name: "web" as const, team: "search" as const, keys: [{ sha256: DIGEST }] }];
    defineGateway({
      apiVersion: "tollgate/v1",
      providers,
      models: [{ name: "chat", targets: [{ provider: "openai" }] }],
      consumers,
      // @ts-expect-error: a quota matching an undeclared team
      quotas: [{ name: "q", limit: 10, per: "day", match: { teams: ["serach"] } }],
    });
    defineGateway({
      apiVersion: "tollgate/v1",
      providers,
      models: [{ name: "chat", targets: [{ provider: "openai" }] }],
      // @ts-expect-error: a quota downgrading to an undeclared model
      quotas: [{ name: "q", limit: 10, per: "day", action: { downgrade: "tiny" } }],
    });
    defineGateway({
      apiVersion: "tollgate/v1",
      models: [{ name: "chat", targets: [{ provider: "openai" }] }],
      consumers,
      // @ts-expect-error: a route matching an undeclared consumer
      routes: [{ match: { consumer: "wbe" }, model: "chat" }],
    });
    defineGateway({
      apiVersion: "tollgate/v1",
      classifiers: [{ name: "code", keywords: ["refactor"] }],
      // @ts-expect-error: a route matching an undeclared classifier
      routes: [{ match: { classifier: ["cod"] }, model: "chat" }],
    });
    defineGateway({
      apiVersion: "tollgate/v1",
      guardrails: [{ name: "pii", input: { pii: { email: "redact" } } }],
      // @ts-expect-error: a route naming an undeclared guardrail set
      routes: [{ match: { model: "x" }, model: "chat", guardrails: ["pi"] }],
    });
    defineGateway({
      apiVersion: "tollgate/v1",
      templates: [{ name: "summary", messages: [{ role: "user", content: "Summarize {{text}}" }] }],
      // @ts-expect-error: a route naming an undeclared template
      routes: [{ match: { model: "x" }, model: "chat", prompts: { templates: ["sumary"] } }],
    });
    defineGateway({
      apiVersion: "tollgate/v1",
      guardrails: [{ name: "pii", input: { pii: { email: "redact" } } }],
      // @ts-expect-error: a model naming an undeclared guardrail set
      models: [{ name: "chat", targets: [{ provider: "openai" }], guardrails: ["pi"] }],
    });
    defineGateway({
      apiVersion: "tollgate/v1",
      providers,
      // @ts-expect-error: moderation on an undeclared provider
      guardrails: [{ name: "g", input: { moderation: { provider: "opneai", onError: "open" } } }],
    });
    defineGateway({
      apiVersion: "tollgate/v1",
      consumers,
      // @ts-expect-error: a test sent as an undeclared consumer
      tests: [{ name: "t", given: { model: "chat", consumer: "wbe" }, expect: { model: "chat" } }],
    });
  });

  it("leaves references unchecked (string) when this document declares no providers", () => {
    const partial = defineGateway({ apiVersion: "tollgate/v1", models: [{ name: "chat", targets: [{ provider: "defined-in-yaml" }] }] });
    type Providers = NonNullable<typeof partial.models>[number]["targets"][number]["provider"];
    expectTypeOf<Providers>().toEqualTypeOf<string>();
  });
});

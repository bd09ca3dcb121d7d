/**
 * The compiler warns about audio quotas no model can use (TG6415) and refuses semantic
 * caches embedding with a protocol that has no embeddings (TG6613), from lists of the
 * protocols that offer those endpoints (schemas/plan/protocols.ts); the runtime's
 * adapter table is what really serves them. They must agree.
 */
import { expect, it } from "vitest";
import { ADAPTERS } from "../../runtime/adapters/registry.js";
import { ADAPTER_IDS, AUDIO_ADAPTER_IDS, EMBEDDINGS_ADAPTER_IDS } from "../../schemas/plan/constants.js";

it("the protocols the compiler believes offer audio are the ones whose adapters relay it", () => {
  const relaying = ADAPTER_IDS.filter((id) => {
    const endpoints = ADAPTERS[id].relay?.endpoints ?? [];
    return endpoints.includes("audio/transcriptions") && endpoints.includes("audio/speech");
  });
  expect([...AUDIO_ADAPTER_IDS].sort()).toEqual([...relaying].sort());
});

it("the protocols the compiler believes offer embeddings are the ones whose adapters serve them", () => {
  const serving = ADAPTER_IDS.filter((id) => (ADAPTERS[id].relay?.endpoints ?? []).includes("embeddings"));
  expect([...EMBEDDINGS_ADAPTER_IDS].sort()).toEqual([...serving].sort());
});

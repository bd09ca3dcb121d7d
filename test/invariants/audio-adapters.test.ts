/**
 * The compiler warns about audio quotas no model can use (TG6415) from a list of the
 * protocols that offer the audio endpoints (schemas/plan/protocols.ts); the runtime's
 * adapter table is what really relays them. The two must agree.
 */
import { expect, it } from "vitest";
import { ADAPTERS } from "../../runtime/adapters/registry.js";
import { ADAPTER_IDS, AUDIO_ADAPTER_IDS } from "../../schemas/plan/protocols.js";

it("the protocols the compiler believes offer audio are the ones whose adapters relay it", () => {
  const relaying = ADAPTER_IDS.filter((id) => {
    const endpoints = ADAPTERS[id].relay?.endpoints ?? [];
    return endpoints.includes("audio/transcriptions") && endpoints.includes("audio/speech");
  });
  expect([...AUDIO_ADAPTER_IDS].sort()).toEqual([...relaying].sort());
});

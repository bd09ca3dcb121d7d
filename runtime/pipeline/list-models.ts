/**
 * GET /v1/models and GET /v1/models/{id}: the public model names this consumer may
 * use, in the OpenAI list shape. The body depends only on the plan and the consumer,
 * so it is built once per (plan, consumer).
 */
import type { LinkedConsumer, LinkedPlan } from "../plan/linked-plan.js";

/** `created` for every listed model: when this runtime started (plans carry no clock). */
const CREATED = Math.floor(Date.now() / 1000);

function entry(id: string): { id: string; object: "model"; created: number; owned_by: string } {
  return { id, object: "model", created: CREATED, owned_by: "tollgate" };
}

export function modelListBody(plan: LinkedPlan, consumer: LinkedConsumer): string {
  let body = plan.modelListCache.get(consumer);
  if (body === undefined) {
    const data = plan.plan.publicModels.filter((m) => consumer.allowed[m.model]).map((m) => entry(m.id));
    body = JSON.stringify({ object: "list", data });
    plan.modelListCache.set(consumer, body);
  }
  return body;
}

/** The single-model body, or null when the consumer may not see that id. */
export function modelBody(plan: LinkedPlan, consumer: LinkedConsumer, id: string): string | null {
  const found = plan.plan.publicModels.find((m) => m.id === id && consumer.allowed[m.model]);
  return found === undefined ? null : JSON.stringify(entry(found.id));
}

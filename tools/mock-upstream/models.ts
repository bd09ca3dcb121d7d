/** `GET /v1/models`: a fixed OpenAI model list. Any model name works; these are the documented ones. */
import type { ServerResponse } from "node:http";

/** Mid-2023: a stable timestamp keeps the body byte-identical across runs. */
const CREATED = 1_690_000_000;
const MODEL_IDS = ["echo", "slow"] as const;

const BODY = JSON.stringify({
  object: "list",
  data: MODEL_IDS.map((id) => ({ id, object: "model", created: CREATED, owned_by: "tollgate-mock" })),
});

/** Answers the model list. */
export function sendModels(res: ServerResponse): void {
  res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(BODY) });
  res.end(BODY);
}

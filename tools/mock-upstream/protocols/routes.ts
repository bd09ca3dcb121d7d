/**
 * Which provider protocol a request path speaks, and the model named in the path:
 * - `/v1/messages` → Anthropic (model in the body);
 * - `/model/{modelId}/converse` and `/converse-stream` → Bedrock; `/model/{modelId}/invoke`
 *   → Bedrock InvokeModel (the embedding models' native bodies);
 * - `/{v1beta|v1}/models/{model}:generateContent|:streamGenerateContent` → Gemini;
 * - `/v1/projects/{p}/locations/{l}/publishers/{pub}/models/{model}:…` → Vertex (Gemini bodies).
 * `:embedContent` / `:batchEmbedContents` on the Gemini paths are embeddings, and so is
 * `:predict` on the Vertex path (Vertex's text-embeddings method).
 */
export type ProtocolRoute =
  | { protocol: "anthropic"; model: null; stream: null }
  | { protocol: "bedrock"; model: string; stream: boolean }
  | { protocol: "bedrock-invoke"; model: string; stream: null }
  | { protocol: "gemini"; model: string; stream: boolean; sse: boolean }
  | { protocol: "gemini-embed"; model: string; batch: boolean }
  | { protocol: "vertex-predict"; model: string };

const VERTEX_PREDICT = /^\/v1(?:beta1)?\/projects\/[^/]+\/locations\/[^/]+\/publishers\/[^/]+\/models\/([^/:]+):predict$/;
const BEDROCK = /^\/model\/([^/]+)\/(converse|converse-stream|invoke)$/;
const GEMINI =
  /^\/(?:v1beta|v1|v1alpha)\/(?:models|tunedModels|projects\/[^/]+\/locations\/[^/]+\/publishers\/[^/]+\/models)\/([^/:]+):(generateContent|streamGenerateContent|embedContent|batchEmbedContents)$/;

function decode(s: string): string | null {
  try {
    return decodeURIComponent(s);
  } catch {
    return null;
  }
}

/** The protocol of a POST path (query given separately), or null when it is none of them. */
export function protocolRoute(path: string, query: string): ProtocolRoute | null {
  if (path === "/v1/messages") return { protocol: "anthropic", model: null, stream: null };
  const b = BEDROCK.exec(path);
  if (b !== null) {
    const model = decode(b[1]!);
    if (model === null) return null;
    return b[2] === "invoke" ? { protocol: "bedrock-invoke", model, stream: null } : { protocol: "bedrock", model, stream: b[2] === "converse-stream" };
  }
  const p = VERTEX_PREDICT.exec(path);
  if (p !== null) {
    const model = decode(p[1]!);
    return model === null ? null : { protocol: "vertex-predict", model };
  }
  const g = GEMINI.exec(path);
  if (g !== null) {
    const model = decode(g[1]!);
    if (model === null) return null;
    const method = g[2]!;
    if (method === "embedContent" || method === "batchEmbedContents") return { protocol: "gemini-embed", model, batch: method === "batchEmbedContents" };
    const stream = method === "streamGenerateContent";
    return { protocol: "gemini", model, stream, sse: stream && new URLSearchParams(query).get("alt") === "sse" };
  }
  return null;
}

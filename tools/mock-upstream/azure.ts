/**
 * Azure OpenAI's URL shapes (docs/providers.md#azure-openai-urls), mapped onto the mock's OpenAI
 * endpoints: the bodies and streams are OpenAI's, only the address and auth differ.
 *
 * - `/openai/deployments/{deployment}/{operation}?api-version=…` (dated API): the
 *   deployment names the model (Azure ignores the body's `model`);
 * - `/openai/v1/{operation}` (v1 API): the body's `model` is the deployment.
 *
 * Auth: Azure's `api-key` header stands in for `Authorization: Bearer`.
 */

/** The OpenAI request an Azure URL stands for, or an Azure-style error. */
export type AzureRoute = { ok: true; path: string; deployment: string | null } | { ok: false; status: number; code: string; message: string };

const DEPLOYMENT = /^\/openai\/deployments\/([^/]+)\/(chat\/completions|embeddings|audio\/transcriptions|audio\/speech)$/;
const V1 = /^\/openai\/v1\/(chat\/completions|embeddings|audio\/transcriptions|audio\/speech|models|responses)$/;
/** The dated API's Responses endpoint is not under a deployment: the body's `model` names it. */
const DATED_RESPONSES = "/openai/responses";

/** Maps an `/openai/…` path (query separate) to the OpenAI path it stands for. */
export function azureRoute(path: string, query: string): AzureRoute {
  const v1 = V1.exec(path);
  if (v1 !== null) return { ok: true, path: `/v1/${v1[1]}`, deployment: null };
  if (path === DATED_RESPONSES && /(^|&)api-version=[^&]+/.test(query)) return { ok: true, path: "/v1/responses", deployment: null };
  const dated = DEPLOYMENT.exec(path);
  if (dated === null) return { ok: false, status: 404, code: "404", message: "Resource not found" };
  if (!/(^|&)api-version=[^&]+/.test(query)) {
    return { ok: false, status: 404, code: "404", message: "Resource not found" };
  }
  return { ok: true, path: `/v1/${dated[2]}`, deployment: decodeURIComponent(dated[1]!) };
}

/** The JSON body with `model` set to the deployment (dated API: Azure serves the deployment, whatever the body says). */
export function withDeployment(body: string, deployment: string | null): string {
  if (deployment === null) return body;
  try {
    const parsed = JSON.parse(body) as unknown;
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return body;
    return JSON.stringify({ ...(parsed as Record<string, unknown>), model: deployment });
  } catch {
    return body;
  }
}

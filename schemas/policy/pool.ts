/**
 * GPU pools: self-hosted OpenAI-compatible endpoints (vLLM, SGLang, TGI…) with their
 * GPU type. A model target names a pool like a provider (`provider: <pool>`); the
 * compiler expands it into one target per endpoint, weighted by the pool's GPU weight
 * table or by its declared throughput per GPU type.
 */
import { z } from "zod";
import { Name, SecretRef, Tags } from "./common.js";
import { Timeouts } from "./provider.js";

/** A GPU type name, e.g. `H100`, `H200`, `A100`, `H20`, `L40S`. */
export const GpuType = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._\-]*$/, "a GPU type is a name such as `H100`, `A100-80G` or `L40S`")
  .max(64)
  .describe("A GPU type such as `H100`, `H200`, `A100`, `H20`, `L40S`.");

export const PoolEndpoint = z
  .strictObject({
    name: Name.optional().describe("The endpoint's name in logs and metrics (`<pool>/<name>`). Default: its position, `<pool>/0`, `<pool>/1`, …"),
    baseUrl: z.string().describe("Base URL including the API path prefix, e.g. `http://10.0.0.7:8000/v1` (a private address: mark the pool `network: private`)."),
    gpu: GpuType,
    gpus: z.number().int().min(1).max(1024).optional().describe("How many GPUs of that type serve behind this endpoint. Default 1."),
  })
  .describe("One self-hosted endpoint of a pool.");

export const Pool = z
  .strictObject({
    name: Name.describe("The pool's name; model targets refer to it as `provider`."),
    kind: z
      .enum(["openai-compatible", "vllm", "sglang", "tgi", "ollama"])
      .optional()
      .describe("What the endpoints run: an OpenAI-compatible server (`vllm`, `sglang`, `tgi`, `ollama` or plain `openai-compatible`). Default openai-compatible."),
    endpoints: z.array(PoolEndpoint).min(1).max(256).describe("The endpoints of the pool."),
    gpuWeights: z.record(GpuType, z.number().positive().finite()).optional().describe("Relative weight of one GPU of each type, e.g. `{ H100: 3, A100: 1 }`."),
    throughput: z
      .record(GpuType, z.number().positive().finite())
      .optional()
      .describe("Declared throughput of one GPU of each type (e.g. tokens per second); weights are derived from it. Give this or `gpuWeights`."),
    loadBound: z.number().min(1).max(10).optional().describe("An endpoint takes a request only while its requests in flight stay within this factor of its share. Default 1.25."),
    apiKeys: z.array(SecretRef).optional().describe("API keys as secret references, used in turn on every endpoint. Omit for servers that need none."),
    timeouts: Timeouts.optional(),
    connections: z.number().int().positive().max(4096).optional().describe("Most concurrent connections per endpoint. Default 128."),
    network: z
      .enum(["public", "private"])
      .optional()
      .describe(
        "`private` marks a self-hosted server on a private network (in-cluster, a VPC): its address may be private (10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7), written or resolved. Default `public`: only public addresses, and loopback when the base URL names it. Link-local and cloud metadata addresses are refused either way.",
      ),
    tags: Tags.optional(),
  })
  .describe("A pool of self-hosted GPU endpoints serving the same models.");

export type GpuType = z.infer<typeof GpuType>;
export type PoolEndpoint = z.infer<typeof PoolEndpoint>;
export type Pool = z.infer<typeof Pool>;

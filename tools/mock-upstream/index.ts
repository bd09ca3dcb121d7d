/** The scripted OpenAI-compatible mock upstream: used by tests, `npm start` and the benchmark. */
export { DEFAULT_BEHAVIOUR, type MockBehaviour } from "./behaviour.js";
export { mockUpstreamCommand } from "./command.js";
export { EMBEDDING_DIMENSIONS, embed } from "./embeddings.js";
export type { RecordedRequest } from "./request-log.js";
export { startMockUpstream, type MockUpstream, type MockUpstreamOptions } from "./server.js";

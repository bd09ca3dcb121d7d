/**
 * The response caches' encryption at rest: the gateway's one sealing mechanism
 * (base/sealer.ts: AES-256-GCM, the entry's key as additional data, key rotation),
 * under the name the caches have always used. An entry copied under another key, or
 * tampered with, fails to open and counts as a miss.
 */
export { Sealer as EntryCipher, openWith, sealWith } from "../../base/sealer.js";

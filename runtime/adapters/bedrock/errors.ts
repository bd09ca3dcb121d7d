/**
 * Bedrock errors → classes. A non-2xx answer names its type in `x-amzn-errortype`
 * (`ThrottlingException:http://…`) and carries `{"message"}`; inside a 200 stream the
 * same types arrive as exception frames (`:exception-type: throttlingException`).
 */
import type { ProviderError } from "../../canonical/provider-error.js";
import type { ErrorClass } from "../../../schemas/plan/constants.js";
import { classOfStatus, isRecord, mentionsContextLimit, parseJson, retryAfterMs, shortMessage } from "../../canonical/provider-error.js";

function classOfType(type: string, message: string, status: number): ErrorClass {
  switch (type.toLowerCase()) {
    case "throttlingexception":
    case "toomanyrequestsexception":
      return "rate_limited";
    case "serviceunavailableexception":
    case "modelnotreadyexception":
      return "overloaded";
    case "accessdeniedexception":
    case "unrecognizedclientexception":
    case "expiredtokenexception":
    case "invalidsignatureexception":
    case "incompletesignatureexception":
      return "auth";
    case "modeltimeoutexception":
      return "timeout";
    case "internalserverexception":
    case "modelerrorexception":
    case "modelstreamerrorexception":
      return "server";
    case "validationexception":
      return mentionsContextLimit(message) ? "context_too_long" : "bad_request";
    case "resourcenotfoundexception":
      return "bad_request";
    default:
      return classOfStatus(status === 200 ? 500 : status);
  }
}

/** A classified Bedrock error from its type name and message. */
export function bedrockError(type: string, message: unknown, status: number, retryMs: number | null): ProviderError {
  const text = shortMessage(message, `Bedrock answered ${status}`);
  return { class: classOfType(type, text, status), status, message: `bedrock: ${text}`, code: type === "" ? null : type, retryAfterMs: retryMs };
}

/** Implements {@link ChatAdapter.classifyError} for Bedrock. */
export function classifyBedrockError(status: number, headers: Readonly<Record<string, string | string[] | undefined>>, body: Buffer): ProviderError {
  const raw = headers["x-amzn-errortype"];
  const header = (Array.isArray(raw) ? raw[0] : raw) ?? "";
  const parsed = parseJson(body);
  const bodyType = isRecord(parsed) && typeof parsed["__type"] === "string" ? parsed["__type"].split("#").pop()! : "";
  const type = header.split(":")[0] || bodyType;
  const message = isRecord(parsed) ? (parsed["message"] ?? parsed["Message"]) : undefined;
  return bedrockError(type, message, status, retryAfterMs(headers));
}

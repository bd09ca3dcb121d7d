/**
 * Bedrock errors → classes. A non-2xx answer names its type in `x-amzn-errortype`
 * (`ThrottlingException:http://…`) and carries `{"message"}`; inside a 200 stream the
 * same types arrive as exception frames (`:exception-type: throttlingException`).
 */
import type { ProviderError } from "../../canonical/provider-error.js";
import type { ErrorClass } from "../../../schemas/plan/constants.js";
import { classOfStatus, isRecord, mentionsContextLimit, openAIParamOf, parseJson, retryAfterMs, shortMessage } from "../../canonical/provider-error.js";

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

/** Where a validation message names the member at fault: `… at 'inferenceConfig.maxTokens' failed to satisfy constraint …`. */
const MEMBER_AT = /at '([A-Za-z0-9_.]+)' failed/;

/** The OpenAI `param` a Bedrock rejection points at: the prompt for context overflow, the model for an unknown one, else the member it names. */
function paramOf(cls: ErrorClass, type: string, text: string): string | null {
  if (cls === "context_too_long") return "messages";
  if (/model identifier|model id|resourcenotfound/i.test(`${type} ${text}`)) return "model";
  const member = MEMBER_AT.exec(text)?.[1];
  return member === undefined ? null : openAIParamOf(member);
}

/** A classified Bedrock error from its type name and message. */
export function bedrockError(type: string, message: unknown, status: number, retryMs: number | null): ProviderError {
  const text = shortMessage(message, `Bedrock answered ${status}`);
  const cls = classOfType(type, text, status);
  return { class: cls, status, message: `bedrock: ${text}`, code: type === "" ? null : type, retryAfterMs: retryMs, param: paramOf(cls, type, text) };
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

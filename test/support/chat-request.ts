/** Chat request views for unit tests: a body through the gateway's own validation, failing the test when it is not valid. */
import { validateChatRequest, type ChatRequestView } from "../../runtime/canonical/chat-request.js";

/** The validated view of `body` (`model` defaults to "m"). */
export function chatRequest(body: Readonly<Record<string, unknown>>): ChatRequestView {
  const checked = validateChatRequest({ model: "m", ...body });
  if (!checked.ok) throw new Error(`not a valid chat request: ${checked.message}`);
  return checked.request;
}

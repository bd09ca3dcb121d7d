/**
 * The canonical stream (OpenAI chat chunks) → the Responses API's event stream, for
 * requests a translated provider served, in the order OpenAI sends them and the SDKs'
 * accumulators expect: `response.created`, `response.in_progress`; per output item
 * `response.output_item.added`, its part (`content_part.added` / a reasoning summary
 * part), its deltas (`output_text.delta`, `function_call_arguments.delta`,
 * `reasoning_summary_text.delta`), their `.done` events and `output_item.done`; then
 * `response.completed` (or `response.incomplete` for a length or content-filter stop)
 * with the whole response and its usage. Every event carries `sequence_number`.
 *
 * A canonical `{"error":…}` event becomes `event: error` with the error object, which
 * the SDKs raise.
 */
import { SseParser } from "../sse-parser.js";
import { echoedFields, functionCallItem, messageItem, reasoningItem, responseId, responsesUsage, statusOf } from "./answer.js";

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** An output item being streamed. */
interface OpenItem {
  readonly kind: "message" | "reasoning" | "function_call";
  readonly index: number;
  readonly id: string;
  text: string;
  /** Function calls: the call id and name. */
  readonly callId: string;
  readonly name: string;
}

export class ResponsesStreamEncoder {
  readonly #parser = new SseParser();
  readonly #request: Readonly<Obj>;
  #seq = 0;
  #started = false;
  #id = "resp_gateway";
  #model: unknown = null;
  #created = Math.floor(Date.now() / 1000);
  readonly #done: Obj[] = [];
  #open: OpenItem | null = null;
  /** Chat tool-call index → its item (calls may interleave their argument fragments). */
  readonly #calls = new Map<number, OpenItem>();
  #finish: unknown = null;
  #usage: unknown = null;
  #finished = false;

  constructor(request: Readonly<Obj>) {
    this.#request = request;
  }

  /** True once the final event (or an error) was written. */
  get finished(): boolean {
    return this.#finished;
  }

  push(chunk: Buffer | string): string {
    let out = "";
    for (const e of this.#parser.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk)) out += this.#data(e.data);
    return out;
  }

  end(): string {
    let out = "";
    for (const e of this.#parser.end()) out += this.#data(e.data);
    return out;
  }

  #event(type: string, data: Obj): string {
    return `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: this.#seq++, ...data })}\n\n`;
  }

  /** The response object as it stands (in progress, or final). */
  #response(status: string, extra: Obj = {}): Obj {
    return {
      id: this.#id,
      object: "response",
      created_at: this.#created,
      status,
      error: null,
      incomplete_details: null,
      model: this.#model,
      output: this.#done,
      ...echoedFields(this.#request),
      usage: null,
      ...extra,
    };
  }

  #data(data: string): string {
    if (this.#finished) return "";
    if (data === "[DONE]") return this.#complete();
    let chunk: unknown;
    try {
      chunk = JSON.parse(data);
    } catch {
      return "";
    }
    if (!isObj(chunk)) return "";
    if (chunk["error"] !== undefined) {
      this.#finished = true;
      const e = isObj(chunk["error"]) ? chunk["error"] : {};
      return this.#event("error", { code: e["code"] ?? null, message: e["message"] ?? "the upstream failed", param: e["param"] ?? null, error: e });
    }
    let out = "";
    if (!this.#started) {
      this.#started = true;
      this.#id = responseId(chunk["id"]);
      this.#model = chunk["model"] ?? null;
      if (typeof chunk["created"] === "number") this.#created = chunk["created"];
      out += this.#event("response.created", { response: this.#response("in_progress") });
      out += this.#event("response.in_progress", { response: this.#response("in_progress") });
    }
    if (chunk["usage"] !== undefined && chunk["usage"] !== null) this.#usage = chunk["usage"];
    const choice = Array.isArray(chunk["choices"]) ? (chunk["choices"][0] as unknown) : undefined;
    if (!isObj(choice)) return out;
    const delta = isObj(choice["delta"]) ? choice["delta"] : {};
    if (typeof delta["reasoning_content"] === "string" && delta["reasoning_content"] !== "") {
      out += this.#ensure("reasoning") + this.#text(delta["reasoning_content"]);
    }
    if (typeof delta["content"] === "string" && delta["content"] !== "") out += this.#ensure("message") + this.#text(delta["content"]);
    if (Array.isArray(delta["tool_calls"])) for (const call of delta["tool_calls"] as unknown[]) if (isObj(call)) out += this.#toolCall(call);
    if (typeof choice["finish_reason"] === "string") {
      this.#finish = choice["finish_reason"];
      out += this.#close();
    }
    return out;
  }

  /** Opens an item of `kind` unless one is open (closing any other first). */
  #ensure(kind: "message" | "reasoning"): string {
    if (this.#open?.kind === kind) return "";
    const out = this.#close();
    const index = this.#done.length;
    const id = `${kind === "message" ? "msg" : "rs"}_${this.#id}_${index}`;
    this.#open = { kind, index, id, text: "", callId: "", name: "" };
    if (kind === "message") {
      return (
        out +
        this.#event("response.output_item.added", { output_index: index, item: { ...messageItem(id, "", "in_progress"), content: [] } }) +
        this.#event("response.content_part.added", { item_id: id, output_index: index, content_index: 0, part: { type: "output_text", text: "", annotations: [], logprobs: [] } })
      );
    }
    return (
      out +
      this.#event("response.output_item.added", { output_index: index, item: { id, type: "reasoning", summary: [] } }) +
      this.#event("response.reasoning_summary_part.added", { item_id: id, output_index: index, summary_index: 0, part: { type: "summary_text", text: "" } })
    );
  }

  /** A text delta for the open message or reasoning item. */
  #text(text: string): string {
    const open = this.#open!;
    open.text += text;
    const where = { item_id: open.id, output_index: open.index };
    return open.kind === "message"
      ? this.#event("response.output_text.delta", { ...where, content_index: 0, delta: text, logprobs: [] })
      : this.#event("response.reasoning_summary_text.delta", { ...where, summary_index: 0, delta: text });
  }

  #toolCall(call: Obj): string {
    const index = typeof call["index"] === "number" ? call["index"] : 0;
    const fn = isObj(call["function"]) ? call["function"] : {};
    let out = "";
    let item = this.#calls.get(index);
    if (item === undefined) {
      out += this.#close();
      const callId = typeof call["id"] === "string" ? call["id"] : `call_${index}`;
      item = { kind: "function_call", index: this.#done.length, id: `fc_${callId}`, text: "", callId, name: String(fn["name"] ?? "") };
      this.#calls.set(index, item);
      this.#open = item;
      out += this.#event("response.output_item.added", { output_index: item.index, item: functionCallItem(item.id, callId, item.name, "", "in_progress") });
    }
    const args = fn["arguments"];
    if (typeof args === "string" && args !== "") {
      item.text += args;
      out += this.#event("response.function_call_arguments.delta", { item_id: item.id, output_index: item.index, delta: args });
    }
    return out;
  }

  /** Closes the open item: its `.done` events, and the item in the output. */
  #close(): string {
    const open = this.#open;
    if (open === null) return "";
    this.#open = null;
    const where = { item_id: open.id, output_index: open.index };
    let out = "";
    let item: Obj;
    if (open.kind === "message") {
      item = messageItem(open.id, open.text);
      const part = (item["content"] as Obj[])[0]!;
      out += this.#event("response.output_text.done", { ...where, content_index: 0, text: open.text, logprobs: [] });
      out += this.#event("response.content_part.done", { ...where, content_index: 0, part });
    } else if (open.kind === "reasoning") {
      item = reasoningItem(open.id, open.text);
      out += this.#event("response.reasoning_summary_text.done", { ...where, summary_index: 0, text: open.text });
      out += this.#event("response.reasoning_summary_part.done", { ...where, summary_index: 0, part: { type: "summary_text", text: open.text } });
    } else {
      const args = open.text === "" ? "{}" : open.text;
      item = functionCallItem(open.id, open.callId, open.name, args);
      out += this.#event("response.function_call_arguments.done", { ...where, arguments: args });
    }
    this.#done[open.index] = item;
    return out + this.#event("response.output_item.done", { output_index: open.index, item });
  }

  /** `[DONE]`: the last item closed, then the whole response. */
  #complete(): string {
    this.#finished = true;
    let out = "";
    if (!this.#started) {
      this.#started = true;
      out += this.#event("response.created", { response: this.#response("in_progress") });
    }
    out += this.#close();
    const { status, incomplete_details } = statusOf(this.#finish);
    const response = this.#response(status, { incomplete_details, usage: responsesUsage(this.#usage) });
    return out + this.#event(status === "completed" ? "response.completed" : "response.incomplete", { response });
  }
}

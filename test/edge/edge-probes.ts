/**
 * The request-smuggling, header-limit and pipelining probes of the edge suite, with
 * what each listener does with them. node:http is expected to refuse every ambiguous
 * request with a 400 and a close; the uWS column is what the uWS build measured here
 * does (docs/operations.md#limits-at-the-edge prints the same table): the suite fails
 * if either listener's behaviour changes, so the documented table stays true.
 */

/** The gateway's API key in the probes (the suite's policy accepts it). */
export const PROBE_KEY = "sk-tg-edge";

/** What a listener does with a probe. */
export type Outcome =
  /** A 400 (or, for headers, 431) and the connection closed. */
  | { status: number; close: true }
  /** Served as one well-framed request per response (statuses listed, in order). */
  | { served: number[] }
  /** Closed without any response, at once. */
  | "closed"
  /** No response; the connection is held until the server's idle timeout closes it. */
  | "idle";

export interface Probe {
  readonly id: string;
  /** What the probe tries (the documentation's row label). */
  readonly what: string;
  readonly segments: string[];
  readonly gapMs?: number;
  readonly node: Outcome;
  readonly uws: Outcome;
  /** uWS sends the request upstream but the client never gets the answer (measured: bare LF, and xchunked followed by a second request). */
  readonly uwsForwardsUnanswered?: true;
}

/** A chat request body the scripted upstream recognises by its content. */
export function chatBody(content: string): string {
  return JSON.stringify({ model: "m", messages: [{ role: "user", content }] });
}

const HEAD = `POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${PROBE_KEY}\r\nContent-Type: application/json\r\n`;

/** A well-formed request, the smuggled payload of the probes. */
function plain(content: string): string {
  const body = chatBody(content);
  return `${HEAD}Content-Length: ${body.length}\r\n\r\n${body}`;
}

function chunked(data: string): string {
  return `${data.length.toString(16)}\r\n${data}\r\n0\r\n\r\n`;
}

/** A request with the given framing headers and raw body bytes. */
function framed(headers: string, body: string): string {
  return `${HEAD}${headers}\r\n${body}`;
}

const BAD: Outcome = { status: 400, close: true };
const TOO_LARGE: Outcome = { status: 431, close: true };

function headers(n: number): string {
  return Array.from({ length: n }, (_, i) => `X-H${i}: v\r\n`).join("");
}

/** Every probe; `id` is also the chat content the upstream counts (smuggled copies carry `<id>-smuggled`). */
export function probes(): Probe[] {
  const p = (id: string): { body: string; smuggled: string } => ({ body: chatBody(id), smuggled: plain(`${id}-smuggled`) });
  const list: Probe[] = [];
  const add = (id: string, what: string, make: (x: ReturnType<typeof p>) => string, node: Outcome, uws: Outcome): void => {
    list.push({ id, what, segments: [make(p(id))], node, uws });
  };
  add(
    "cl-te",
    "Content-Length and Transfer-Encoding: chunked",
    ({ smuggled }) => framed(`Content-Length: ${5 + smuggled.length}\r\nTransfer-Encoding: chunked\r\n`, `0\r\n\r\n${smuggled}`),
    BAD,
    "closed",
  );
  add(
    "cl-cl",
    "two different Content-Lengths",
    ({ body, smuggled }) => framed(`Content-Length: ${body.length}\r\nContent-Length: ${body.length + smuggled.length}\r\n`, body + smuggled),
    BAD,
    "closed",
  );
  add("cl-list", "Content-Length: n, n", ({ body }) => framed(`Content-Length: ${body.length}, ${body.length}\r\n`, body), BAD, "closed");
  add("cl-plus", "Content-Length: +n", ({ body }) => framed(`Content-Length: +${body.length}\r\n`, body), BAD, "closed");
  add("cl-negative", "Content-Length: -1", ({ body }) => framed(`Content-Length: -1\r\n`, body), BAD, "closed");
  add("te-xchunked", "Transfer-Encoding: xchunked", ({ body, smuggled }) => framed(`Transfer-Encoding: xchunked\r\n`, chunked(body) + smuggled), BAD, "closed");
  list[list.length - 1] = { ...list[list.length - 1]!, uwsForwardsUnanswered: true };
  add("te-xchunked-alone", "Transfer-Encoding: xchunked, nothing after the body", ({ body }) => framed(`Transfer-Encoding: xchunked\r\n`, chunked(body)), BAD, { served: [200] });
  add("te-chunked-identity", "Transfer-Encoding: chunked, identity", ({ body }) => framed(`Transfer-Encoding: chunked, identity\r\n`, chunked(body)), BAD, { served: [200] });
  add(
    "te-identity",
    "Transfer-Encoding: identity with Content-Length",
    ({ body }) => framed(`Transfer-Encoding: identity\r\nContent-Length: ${body.length}\r\n`, body),
    BAD,
    "closed",
  );
  add("te-twice", "Transfer-Encoding twice (chunked, then x)", ({ body }) => framed(`Transfer-Encoding: chunked\r\nTransfer-Encoding: x\r\n`, chunked(body)), BAD, {
    served: [200],
  });
  add("te-obs-fold", "Transfer-Encoding folded onto a second line (obs-fold)", ({ body }) => framed(`Transfer-Encoding:\r\n chunked\r\n`, chunked(body)), BAD, "idle");
  add("obs-fold", "obs-fold in another header", ({ body }) => framed(`X-A: a\r\n b\r\nContent-Length: ${body.length}\r\n`, body), BAD, "idle");
  add("chunk-size-bad", "a chunk size that is not hex", ({ body }) => framed(`Transfer-Encoding: chunked\r\n`, `zz\r\n${body}\r\n0\r\n\r\n`), BAD, "closed");
  add("chunk-size-overflow", "a chunk size over 64 bits", ({ body }) => framed(`Transfer-Encoding: chunked\r\n`, `fffffffffffffffff1\r\n${body}\r\n0\r\n\r\n`), BAD, "closed");
  add("chunk-no-crlf", "chunk data not followed by CRLF", ({ body }) => framed(`Transfer-Encoding: chunked\r\n`, `${body.length.toString(16)}\r\n${body}XX0\r\n\r\n`), BAD, {
    served: [200],
  });
  add("bare-lf", "bare LF line ends in the head", ({ body }) => `${HEAD.replace(/\r\n/g, "\n")}Content-Length: ${body.length}\n\n${body}`, BAD, "idle");
  list[list.length - 1] = { ...list[list.length - 1]!, uwsForwardsUnanswered: true };
  add("bare-lf-chunked", "bare LF in chunked framing", ({ body }) => framed(`Transfer-Encoding: chunked\r\n`, `${body.length.toString(16)}\n${body}\n0\n\n`), BAD, {
    served: [200],
  });
  add("cr-in-value", "CR inside a header value", ({ body }) => framed(`X-A: a\rb\r\nContent-Length: ${body.length}\r\n`, body), BAD, "idle");
  add("lf-in-value", "LF inside a header value", ({ body }) => framed(`X-A: a\nB: c\r\nContent-Length: ${body.length}\r\n`, body), BAD, "idle");
  add("space-before-colon", "whitespace between a header name and its colon", ({ body }) => framed(`Content-Length : ${body.length}\r\n`, body), BAD, "idle");
  add("garbage", "bytes that are not HTTP", () => "\x00\x01\x02 garbage\r\n\r\n", BAD, "idle");
  add("pipelined", "two POSTs pipelined in one segment", () => plain("pipelined-1") + plain("pipelined-2"), { served: [200, 200] }, "closed");
  add(
    "pipelined-get",
    "two GETs pipelined in one segment",
    () => "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n",
    { served: [200, 200] },
    { served: [200, 200] },
  );
  const big = (n: number): string => `X-Big: ${"a".repeat(n)}\r\n`;
  list.push(
    {
      id: "head-6k-split",
      what: "a 6 KiB header block split across TCP segments",
      segments: ["GET /healthz HTTP/1.1\r\nHost: x\r\n" + big(6144).slice(0, 3000), big(6144).slice(3000) + "\r\n"],
      gapMs: 100,
      node: { served: [200] },
      uws: "closed",
    },
    {
      id: "head-20k-split",
      what: "a 20 KiB header block split across TCP segments",
      segments: ["GET /healthz HTTP/1.1\r\nHost: x\r\n" + big(20480).slice(0, 8000), big(20480).slice(8000) + "\r\n"],
      gapMs: 100,
      node: TOO_LARGE,
      uws: "closed",
    },
    { id: "head-20k", what: "a 20 KiB header block in one segment", segments: [`GET /healthz HTTP/1.1\r\nHost: x\r\n${big(20480)}\r\n`], node: TOO_LARGE, uws: { served: [200] } },
    { id: "head-48", what: "48 header fields", segments: [`GET /healthz HTTP/1.1\r\nHost: x\r\n${headers(48)}\r\n`], node: { served: [200] }, uws: "idle" },
    { id: "head-101", what: "101 header fields", segments: [`GET /healthz HTTP/1.1\r\nHost: x\r\n${headers(101)}\r\n`], node: TOO_LARGE, uws: "idle" },
  );
  return list;
}

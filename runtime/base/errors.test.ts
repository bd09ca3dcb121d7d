import { describe, expect, it } from "vitest";
import { ERROR_TABLE, errorBody, gatewayError, type ErrorName } from "./errors.js";

describe("the error table", () => {
  const rows = Object.entries(ERROR_TABLE) as [ErrorName, (typeof ERROR_TABLE)[ErrorName]][];

  it("has kebab-case names, snake_case wire codes, real statuses and a doc for every row", () => {
    for (const [name, row] of rows) {
      expect(name).toMatch(/^[a-z]+(-[a-z]+)*$/);
      expect(row.code).toMatch(/^[a-z]+(_[a-z]+)*$/);
      if (row.status !== null) expect(row.status >= 400 && row.status <= 599, name).toBe(true);
      expect(row.doc.length, name).toBeGreaterThan(20);
    }
  });

  it("gives one status to each wire code (clients branch on the code)", () => {
    const statusOf = new Map<string, number | null>();
    for (const [name, row] of rows) {
      const seen = statusOf.get(row.code);
      if (seen !== undefined) expect(row.status, `${name} (${row.code})`).toBe(seen);
      statusOf.set(row.code, row.status);
    }
  });

  it("fills the template, the row's param and retry hint, and cuts long client values", () => {
    const e = gatewayError("model-not-found", { model: "m".repeat(500) });
    expect(e).toMatchObject({ code: "model_not_found", status: 404, type: "invalid_request_error", param: "model" });
    expect(e.message).toBe(`the model \`${"m".repeat(200)}\` does not exist or you do not have access to it`);
    expect(gatewayError("quota-store-unavailable", { quota: "q" }).retryAfter).toBe(1);
    expect(gatewayError("upstream-busy", { upstream: "u" }, { retryAfter: 7 }).retryAfter).toBe(7);
  });

  it("takes the degraded answer's status from the plan and its type from the status", () => {
    expect(gatewayError("degraded", { text: "later" }, { status: 429 })).toMatchObject({ status: 429, type: "rate_limit_error", message: "later", code: "degraded" });
    expect(gatewayError("degraded", { text: "x" }, { status: 400 }).type).toBe("invalid_request_error");
    expect(gatewayError("degraded", { text: "x" }, { status: 503 }).type).toBe("server_error");
  });

  it("always sends the four OpenAI keys", () => {
    expect(JSON.parse(errorBody(gatewayError("internal", {})))).toEqual({
      error: { message: "the gateway failed to handle this request; it has been logged", type: "server_error", param: null, code: "internal_error" },
    });
  });
});

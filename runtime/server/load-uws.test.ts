import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { isNativeUws, loadUws } from "./load-uws.js";

const require = createRequire(import.meta.url);

describe("loading uWebSockets.js", () => {
  it("loads the native build on this machine", () => {
    const { uws, source } = loadUws();
    expect(isNativeUws(uws)).toBe(true);
    expect(source).toMatch(/uWebSockets\.js|uwebsockets|uws-js-unofficial/);
  });

  it("tells the trufflesuite package's silent pure-JS fallback from the native addon", () => {
    // This is the module the package's own entry point returns when its binary does not load.
    const fallback: unknown = require("@trufflesuite/uws-js-unofficial/dist/index.js");
    expect(isNativeUws(fallback)).toBe(false);
  });
});

import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { chooseListener } from "./choose-listener.js";
import { isNativeUws, loadUws, probeUws } from "./load-uws.js";

const require = createRequire(import.meta.url);
/** Node 20's ABI: the bundled uWS v20.30 build must load there (the suite's uWS half depends on it). */
const NODE_20_ABI = "115";

describe("loading uWebSockets.js", () => {
  const probed = probeUws();

  it("loads the native build on Node 20, and says what each package lacks where none loads", () => {
    if (process.versions.modules === NODE_20_ABI) expect("uws" in probed, JSON.stringify(probed)).toBe(true);
    if ("uws" in probed) {
      const { uws, source } = loadUws();
      expect(isNativeUws(uws)).toBe(true);
      expect(source).toMatch(/uWebSockets\.js|uwebsockets|uws-js-unofficial/);
    } else {
      expect(probed.failures.map((f) => f.slice(0, f.indexOf(":")))).toEqual([
        "uWebSockets.js",
        "@btc-vision/uwebsockets.js (uWS v20.57)",
        "@trufflesuite/uws-js-unofficial (uWS v20.30)",
      ]);
      expect(() => loadUws()).toThrow(`uWebSockets.js has no native build that loads on Node ${process.version}`);
      expect(() => loadUws()).toThrow(/--server node/);
    }
  });

  it("auto (the default) chooses node:http, the listener safe to expose directly, wherever uWS loads; an explicit choice is kept", () => {
    expect(chooseListener("auto")).toBe("node");
    expect(chooseListener("node")).toBe("node");
    expect(chooseListener("uws")).toBe("uws");
  });

  it("tells the trufflesuite package's silent pure-JS fallback from the native addon", () => {
    // This is the module the package's own entry point returns when its binary does not load.
    const fallback: unknown = require("@trufflesuite/uws-js-unofficial/dist/index.js");
    expect(isNativeUws(fallback)).toBe(false);
  });
});

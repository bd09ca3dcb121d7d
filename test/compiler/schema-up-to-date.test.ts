/** The committed generated files (JSON Schemas, the plan validator) match their zod sources. */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { generatedFiles } from "../../scripts/generated-files.js";

const root = new URL("../../", import.meta.url);

describe("generated files", () => {
  for (const [path, text] of Object.entries(generatedFiles())) {
    it(`${path} is up to date (npm run generate rewrites it)`, () => {
      expect(readFileSync(new URL(path, root), "utf8")).toBe(text);
    });
  }
});

/** Precision and recall per detector on the labelled corpus (shared by the test; bench/guardrails.mjs counts the same way). */
import { readFileSync } from "node:fs";
import { PII_DETECTORS } from "../../schemas/catalog/guardrails.js";
import { PiiScanner, type PiiHit } from "../../runtime/stages/guardrails/pii-scanner.js";

export interface CorpusSample {
  text: string;
  expect: { detector: string; value: string }[];
  note: string;
}

export interface DetectorScore {
  detector: string;
  tp: number;
  fp: number;
  fn: number;
  precision: number;
  recall: number;
  /** What was missed or wrongly found, for the failure message. */
  errors: string[];
}

export function loadCorpus(): CorpusSample[] {
  return JSON.parse(readFileSync(new URL("./pii-corpus.json", import.meta.url), "utf8")) as CorpusSample[];
}

export function scoreCorpus(samples: readonly CorpusSample[]): DetectorScore[] {
  const scanner = new PiiScanner(PII_DETECTORS);
  const scores = new Map<string, DetectorScore>(PII_DETECTORS.map((d) => [d, { detector: d, tp: 0, fp: 0, fn: 0, precision: 1, recall: 1, errors: [] }]));
  for (const s of samples) {
    const hits: PiiHit[] = [];
    scanner.scan(s.text, hits);
    const found = hits.map((h) => ({ detector: scanner.detectors[h.detector]!.id as string, value: s.text.slice(h.start, h.end) }));
    for (const f of found) {
      const score = scores.get(f.detector)!;
      if (s.expect.some((e) => e.detector === f.detector && e.value === f.value)) score.tp++;
      else {
        score.fp++;
        score.errors.push(`false positive ${JSON.stringify(f.value)} in ${JSON.stringify(s.text)} (${s.note})`);
      }
    }
    for (const e of s.expect) {
      if (found.some((f) => f.detector === e.detector && f.value === e.value)) continue;
      const score = scores.get(e.detector)!;
      score.fn++;
      score.errors.push(`missed ${JSON.stringify(e.value)} in ${JSON.stringify(s.text)}`);
    }
  }
  for (const s of scores.values()) {
    s.precision = s.tp + s.fp === 0 ? 1 : s.tp / (s.tp + s.fp);
    s.recall = s.tp + s.fn === 0 ? 1 : s.tp / (s.tp + s.fn);
  }
  return [...scores.values()];
}

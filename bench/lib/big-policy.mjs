// @ts-check
/**
 * A large, valid, deterministic policy for the compile-speed benchmark: 200 providers,
 * 300 models (weighted targets, provider and model fallbacks, prices), 1,000 routes
 * (exact names, globs, and routes on header values and regexes), 100 tagged
 * consumers with allow-lists, declared secrets, a compliance constraint and ceilings.
 * Every analysis has real work to do; the policy compiles without errors.
 */

const KEY_DIGEST = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";

/** Ten header regexes, reused across routes (real policies repeat a few patterns). */
const REGEXES = [
  "^team-[a-z]+$",
  "^(eu|us)-(west|east)-[0-9]$",
  "^v[0-9]+(\\.[0-9]+)*$",
  "^[A-Za-z0-9._%+-]+@example\\.com$",
  "^(?:[a-z0-9]+-)*[a-z0-9]+$",
  "^batch$",
  "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
  "^(alpha|beta|gamma)$",
  "^[a-z]{2}-[A-Z]{2}$",
  "^tenant-[0-9]{1,6}$",
];

/**
 * The policy text.
 * @param {{ providers?: number, models?: number, routes?: number, consumers?: number }} [size]
 * @returns {string}
 */
export function bigPolicy(size = {}) {
  const providers = size.providers ?? 200;
  const models = size.models ?? 300;
  const routes = size.routes ?? 1000;
  const consumers = size.consumers ?? 100;
  const pad = (/** @type {number} */ n) => String(n).padStart(4, "0");
  const out = ["apiVersion: tollgate/v1", "limits: { maxWorstCaseLatency: 1h, assumedTokens: { input: 2000, output: 500 } }", "secrets:"];
  for (let p = 0; p < providers; p++) out.push(`  - name: P${pad(p)}_KEY`);

  out.push("providers:");
  for (let p = 0; p < providers; p++) {
    out.push(
      `  - name: p${pad(p)}`,
      "    kind: openai-compatible",
      `    baseUrl: https://p${pad(p)}.example.com/v1`,
      `    apiKeys: [env:P${pad(p)}_KEY]`,
      `    timeouts: { connect: 2s, firstByte: ${10 + (p % 20)}s, idle: 15s, total: ${60 + (p % 60)}s }`,
      `    tags: { region: ${p % 2 === 0 ? "eu" : "us"}, tier: t${p % 3} }`,
    );
  }

  out.push("models:");
  for (let m = 0; m < models; m++) {
    // Even models stay on even (eu) providers and odd ones on odd (us) providers, so
    // every provider is used and the eu-only constraint holds on every path.
    const a = (2 * m + (m % 2)) % providers;
    const b = (a + 2) % providers;
    const c = (a + 4) % providers;
    out.push(
      `  - name: m${pad(m)}`,
      "    targets:",
      `      - { provider: p${pad(a)}, model: up-${m}-a, weight: 3, price: { input: 0.5, output: 1.5 } }`,
      `      - { provider: p${pad(b)}, model: up-${m}-b, weight: 1, price: { input: 0.4, output: 1.2 } }`,
      "    fallbacks:",
      `      - { provider: p${pad(c)}, model: up-${m}-c, price: { input: 0.3, output: 0.9 } }`,
    );
    // A model fallback to the next model of the same parity: acyclic, and compliance-preserving.
    if (m % 10 === 0 && m + 2 < models) out.push(`      - { model: m${pad(m + 2)} }`);
  }

  out.push("routes:");
  for (let r = 0; r < routes; r++) {
    const model = `m${pad(r % models)}`;
    if (r % 10 === 0) {
      const header = r % 20 === 0 ? `{ x-team: { exact: team-${r} } }` : `{ x-tenant: { regex: "${REGEXES[(r / 10) % REGEXES.length]?.replace(/\\/g, "\\\\")}" } }`;
      out.push(`  - name: r${pad(r)}`, `    match: { model: "alias-${r}", headers: ${header} }`, `    model: ${model}`);
    } else if (r % 3 === 0) {
      out.push(`  - name: r${pad(r)}`, `    match: { model: "family-${r}-*" }`, `    model: ${model}`);
    } else {
      out.push(`  - name: r${pad(r)}`, `    match: { model: alias-${r} }`, `    model: ${model}`);
    }
  }

  out.push("consumers:");
  for (let c = 0; c < consumers; c++) {
    const allowed = [0, 1, 2, 3, 4].map((k) => `m${pad((2 * (c * 5 + k)) % models)}`);
    const digest = (c.toString(16).padStart(4, "0") + KEY_DIGEST).slice(0, 64);
    out.push(
      `  - name: c${pad(c)}`,
      `    keys: [{ sha256: ${digest} }]`,
      `    models: [${c % 4 === 1 ? '"*"' : allowed.join(", ")}]`,
      `    tags: { residency: ${c % 2 === 0 ? "eu-only" : "any"} }`,
    );
  }

  out.push("constraints:", "  - name: eu-data-stays-in-eu", "    consumers: { tags: { residency: eu-only } }", "    providers: { tags: { region: eu } }");
  return out.join("\n") + "\n";
}

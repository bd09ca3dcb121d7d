/**
 * The container and Kubernetes examples agree with each other and with the gateway.
 * Docker cannot run here, so this tests what can be: the image's entry command (run as
 * a real process with the plan path it names), its HEALTHCHECK command, the manifests'
 * plan path, ports and probe paths (answered by that process), the drain budget against
 * the example policy's shutdown settings, CPU and memory against the workers they start
 * (memory measured on the running process), the disruption budget and topology spread,
 * the base image against `engines`, and the GitOps workflow's commands (run for real on
 * the example policy) and how it installs the CLI.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseAllDocuments } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../support/repo-paths.js";
import { CLI, runCli, startServing, type Running } from "../support/spawn-cli.js";

const K8S = resolve(REPO_ROOT, "examples/kubernetes");
const GITOPS = resolve(REPO_ROOT, "examples/gitops");

type Doc = Record<string, any>;

function manifests(file: string): Doc[] {
  return parseAllDocuments(readFileSync(join(K8S, file), "utf8")).map((d) => d.toJSON() as Doc);
}

/** The JSON-array form of a Dockerfile instruction (`CMD [...]`), joined across continuation lines. */
function dockerInstruction(name: string): string[] {
  const text = readFileSync(resolve(REPO_ROOT, "Dockerfile"), "utf8").replace(/\\\n\s*/g, " ");
  const line = text.split("\n").find((l) => l.startsWith(`${name} `));
  if (line === undefined) throw new Error(`no ${name} in Dockerfile`);
  const json = line.slice(line.indexOf("["));
  return JSON.parse(json) as string[];
}

/** A Kubernetes quantity in MiB (`512Mi`, `1Gi`). */
function mebibytes(quantity: string): number {
  const m = /^(\d+)(Mi|Gi)$/.exec(quantity);
  if (m === null) throw new Error(`unexpected memory quantity ${quantity}`);
  return Number(m[1]) * (m[2] === "Gi" ? 1024 : 1);
}

function argValue(args: string[], flag: string): string {
  const i = args.indexOf(flag);
  expect(i, `${flag} in ${args.join(" ")}`).toBeGreaterThanOrEqual(0);
  return args[i + 1]!;
}

const deployment = manifests("deployment.yaml")[0]!;
const pod = deployment.spec.template.spec;
const container = pod.containers[0];

describe("container image and Kubernetes manifests", () => {
  const cmd = dockerInstruction("CMD");
  const entrypoint = dockerInstruction("ENTRYPOINT");

  it("the image runs `tollgate serve --plan /etc/tollgate/plan.json` and the Deployment runs the same", () => {
    // A 2 MB semi-space keeps the idle single-thread gateway under 75 MB and its RSS under load lower than the default (docs/benchmarks.md, "Idle memory").
    expect(entrypoint).toEqual(["node", "--max-semi-space-size=2", "bin/tollgate.js"]);
    expect(cmd.slice(0, 1)).toEqual(["serve"]);
    expect(argValue(cmd, "--plan")).toBe("/etc/tollgate/plan.json");
    expect(container.args).toEqual(cmd);
  });

  it("mounts the plan ConfigMap as a directory (no subPath: updates must arrive for hot reload)", () => {
    const planPath = argValue(container.args, "--plan");
    const mount = container.volumeMounts.find((m: Doc) => planPath.startsWith(`${m.mountPath}/`));
    expect(mount, "a volume mount holding the plan").toBeDefined();
    expect(mount.subPath).toBeUndefined();
    const volume = pod.volumes.find((v: Doc) => v.name === mount.name);
    const kustomization = parseAllDocuments(readFileSync(join(K8S, "kustomization.yaml"), "utf8"))[0]!.toJSON() as Doc;
    const generator = kustomization.configMapGenerator.find((g: Doc) => g.name === volume.configMap.name);
    expect(generator.files).toContain(planPath.slice(mount.mountPath.length + 1));
    for (const r of kustomization.resources as string[]) expect(existsSync(join(K8S, r)), r).toBe(true);
  });

  it("ports line up: the serve port, the container port, the Service's target and the probes", () => {
    const port = Number(argValue(container.args, "--port"));
    const named = new Map<string, number>(container.ports.map((p: Doc) => [p.name, p.containerPort]));
    expect(named.get("http")).toBe(port);
    for (const svc of manifests("service.yaml")) {
      for (const p of svc.spec.ports) expect(named.has(p.targetPort), `${svc.metadata.name} targets ${p.targetPort}`).toBe(true);
    }
    expect(container.readinessProbe.httpGet).toEqual({ path: "/readyz", port: "http" });
    expect(container.livenessProbe.httpGet).toEqual({ path: "/livez", port: "http" });
    expect(argValue(container.args, "--host")).toBe("0.0.0.0");
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(deployment.spec.strategy.rollingUpdate.maxUnavailable).toBe(0);
  });

  it("CPU: requests equal limits, in whole CPUs, and the worker threads follow limits.cpu", () => {
    const { requests, limits } = container.resources;
    expect(requests.cpu).toBe(limits.cpu);
    expect(Number(limits.cpu), "whole CPUs: the downward API rounds up").toSatisfy(Number.isInteger);
    const workers = container.env.find((e: Doc) => e.name === "TOLLGATE_WORKERS");
    expect(workers.valueFrom.resourceFieldRef).toEqual({ containerName: container.name, resource: "limits.cpu", divisor: "1" });
    expect(container.args).not.toContain("--workers");
  });

  it("keeps replicas apart: a PodDisruptionBudget and topology spread over nodes and zones, selecting the Deployment's pods", () => {
    const labels = deployment.spec.template.metadata.labels as Record<string, string>;
    const selects = (selector: Doc): boolean => Object.entries(selector.matchLabels as Record<string, string>).every(([k, v]) => labels[k] === v);
    const [pdb] = manifests("pdb.yaml");
    expect(pdb!.kind).toBe("PodDisruptionBudget");
    expect(selects(pdb!.spec.selector)).toBe(true);
    const minReplicas = manifests("hpa.yaml")[0]!.spec.minReplicas as number;
    const down = pdb!.spec.maxUnavailable ?? minReplicas - pdb!.spec.minAvailable;
    expect(down).toBeGreaterThanOrEqual(1);
    expect(down).toBeLessThan(minReplicas);
    const spread = pod.topologySpreadConstraints as Doc[];
    expect(spread.map((c) => c.topologyKey).sort()).toEqual(["kubernetes.io/hostname", "topology.kubernetes.io/zone"]);
    for (const c of spread) expect(selects(c.labelSelector), c.topologyKey).toBe(true);
    const kustomization = parseAllDocuments(readFileSync(join(K8S, "kustomization.yaml"), "utf8"))[0]!.toJSON() as Doc;
    expect(kustomization.resources).toContain("pdb.yaml");
  });

  it("the image is built on a Node within `engines`, on Debian 13 (trixie), and copies only the runtime layout", () => {
    const text = readFileSync(resolve(REPO_ROOT, "Dockerfile"), "utf8");
    const version = /^ARG NODE_VERSION=(\d+)\.(\d+)\.(\d+)$/m.exec(text);
    expect(version, "ARG NODE_VERSION=x.y.z").not.toBeNull();
    const { engines } = JSON.parse(readFileSync(resolve(REPO_ROOT, "package.json"), "utf8")) as { engines: { node: string } };
    expect(engines.node).toContain(`^${version![1]}.`);
    expect(text).toMatch(/^FROM node:\$\{NODE_VERSION\}-trixie AS build$/m);
    expect(text).toMatch(/^FROM node:\$\{NODE_VERSION\}-trixie-slim$/m);
    expect(text).toMatch(/node scripts\/runtime-image\.mjs \/app/);
    expect(text.split("\n").filter((l) => l.startsWith("COPY --from=build"))).toEqual(["COPY --from=build /app ./"]);
  });

  it("the drain budget covers the example policy's shutdown grace and deadline", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tollgate-deploy-"));
    try {
      const out = join(dir, "plan.json");
      const res = await runCli(["compile", join(GITOPS, "policy"), "--out", out]);
      expect(res.code, res.stderr).toBe(0);
      const plan = JSON.parse(readFileSync(out, "utf8"));
      const { graceMs, deadlineMs } = plan.listener.shutdown;
      expect(pod.terminationGracePeriodSeconds * 1000).toBeGreaterThanOrEqual(graceMs + deadlineMs + 5000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("the image's entry command, run as a process", () => {
  let dir: string;
  let serving: Running;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "tollgate-image-"));
    const planFile = join(dir, "plan.json");
    const compiled = await runCli(["compile", join(GITOPS, "policy"), "--out", planFile]);
    expect(compiled.code, compiled.stderr).toBe(0);
    // The Dockerfile's CMD with the plan path, host and port swapped for this machine, and
    // the worker count the Deployment hands it (limits.cpu): allow a loaded machine time to start them.
    const args = dockerInstruction("CMD").map((a) => (a === "/etc/tollgate/plan.json" ? planFile : a === "0.0.0.0" ? "127.0.0.1" : a === "8080" ? "0" : a));
    const env = { OPENAI_API_KEY: "sk-test-not-real", TOLLGATE_ADMIN_TOKEN: "admin-test-token", TOLLGATE_WORKERS: String(container.resources.limits.cpu) };
    serving = await startServing(args, env, CLI, 50_000);
  }, 90_000);

  afterAll(async () => {
    if (serving !== undefined && serving.child.exitCode === null) await serving.stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it("answers the probes the manifests use", async () => {
    for (const path of [container.livenessProbe.httpGet.path, container.readinessProbe.httpGet.path]) {
      const res = await fetch(`${serving.url}${path}`);
      expect(res.status, path).toBe(200);
    }
  });

  it("fits the memory limit: the workers limits.cpu starts use under half of it, idle (the rest is for load: docs/operations.md#sizing-a-pod)", () => {
    const status = readFileSync(`/proc/${serving.child.pid}/status`, "utf8");
    const rssMiB = Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) / 1024;
    expect(serving.stderr()).toContain(`× ${container.resources.limits.cpu} worker threads`);
    expect(rssMiB).toBeLessThan(mebibytes(container.resources.limits.memory) / 2);
  });

  it("passes the image's HEALTHCHECK command", () => {
    const health = dockerInstruction("HEALTHCHECK");
    expect(health[0]).toBe("node");
    const port = new URL(serving.url).port;
    const script = health[2]!.replace("127.0.0.1:8080", `127.0.0.1:${port}`);
    execFileSync(process.execPath, ["-e", script], { timeout: 10_000 });
  });

  it("drains and exits 0 on SIGTERM, as the kubelet sends it", async () => {
    expect(await serving.stop()).toBe(0);
  });
});

describe("the GitOps workflow", () => {
  const workflow = parseAllDocuments(readFileSync(join(GITOPS, ".github/workflows/policy.yaml"), "utf8"))[0]!.toJSON() as Doc;
  const steps: string[] = Object.values(workflow.jobs as Record<string, Doc>).flatMap((job) => job.steps.map((s: Doc) => s.run ?? ""));

  it("runs diff (markdown), check (SARIF, GitHub annotations), test (JUnit) and compile", () => {
    const all = steps.join("\n");
    expect(all).toMatch(/tollgate diff policy\/ --base .* --format markdown/);
    expect(all).toMatch(/tollgate check policy\/ .*--format sarif/);
    expect(all).toMatch(/tollgate check policy\/ .*--format github --strict/);
    expect(all).toMatch(/tollgate test policy\/ .*--format junit/);
    expect(all).toMatch(/tollgate compile policy\/ .*--out deploy\/plan\.json/);
  });

  it("its commands succeed on the example policy", async () => {
    const policy = join(GITOPS, "policy");
    const include = ["--include", "**/*.yaml"];
    expect((await runCli(["check", policy, ...include, "--format", "github", "--strict"])).code).toBe(0);
    const sarif = await runCli(["check", policy, ...include, "--format", "sarif"]);
    expect(sarif.code).toBe(0);
    expect((JSON.parse(sarif.stdout) as { version: string }).version).toBe("2.1.0");
    const junit = await runCli(["test", policy, ...include, "--format", "junit"]);
    expect(junit.code).toBe(0);
    expect(junit.stdout).toMatch(/<testsuites name="tollgate" tests="2" failures="0" errors="0">/);
    const dir = mkdtempSync(join(tmpdir(), "tollgate-gitops-"));
    try {
      const plan = join(dir, "plan.json");
      expect((await runCli(["compile", policy, "--out", plan, "--strict"])).code).toBe(0);
      const diff = await runCli(["diff", plan, plan, "--format", "markdown"]);
      expect(diff.code, diff.stderr).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("installs the CLI that really exists: the npm pack tarball of a pinned commit, on a Node within `engines`", () => {
    expect(existsSync(CLI)).toBe(true);
    expect(workflow.env.TOLLGATE_COMMIT).toMatch(/^[0-9a-f]{40}$/);
    const { engines } = JSON.parse(readFileSync(resolve(REPO_ROOT, "package.json"), "utf8")) as { engines: { node: string } };
    for (const job of Object.values(workflow.jobs as Record<string, Doc>)) {
      const node = job.steps.find((s: Doc) => String(s.uses).startsWith("actions/setup-node"))?.with["node-version"];
      expect(engines.node).toContain(`^${node}.`);
      const checkout = job.steps.find((s: Doc) => s.with?.repository !== undefined);
      expect(checkout.with).toMatchObject({ repository: "${{ env.TOLLGATE_REPOSITORY }}", ref: "${{ env.TOLLGATE_COMMIT }}" });
      const install = job.steps.map((s: Doc) => s.run ?? "").find((r: string) => r.includes("npm pack"));
      expect(install).toMatch(/npm ci --ignore-scripts && npm pack && npm install --global \.\/tollgate-\*\.tgz/);
    }
    expect(steps.join("\n")).not.toMatch(/npm install --global "?tollgate@/);
  });
});

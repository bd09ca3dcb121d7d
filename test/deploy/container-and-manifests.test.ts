/**
 * The container and Kubernetes examples agree with each other and with the gateway.
 * Docker cannot run here, so this tests what can be: the image's entry command (run as
 * a real process with the plan path it names), its HEALTHCHECK command, the manifests'
 * plan path, ports and probe paths (answered by that process), the drain budget against
 * the example policy's shutdown settings, and the GitOps workflow's commands (run for
 * real on the example policy).
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
    expect(entrypoint).toEqual(["node", "bin/tollgate.js"]);
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
    // The Dockerfile's CMD with the plan path, host and port swapped for this machine.
    const args = dockerInstruction("CMD").map((a) => (a === "/etc/tollgate/plan.json" ? planFile : a === "0.0.0.0" ? "127.0.0.1" : a === "8080" ? "0" : a));
    // The CMD starts one worker thread per CPU (serve --workers default): allow a loaded machine time for that.
    serving = await startServing(args, { OPENAI_API_KEY: "sk-test-not-real", TOLLGATE_ADMIN_TOKEN: "admin-test-token" }, CLI, 50_000);
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

  it("runs check (GitHub annotations), test, diff (markdown) and compile", () => {
    const all = steps.join("\n");
    expect(all).toMatch(/tollgate check policy\/ --format github/);
    expect(all).toMatch(/tollgate test policy\/ --format github/);
    expect(all).toMatch(/tollgate diff policy\/ --base .* --format markdown/);
    expect(all).toMatch(/tollgate compile policy\/ --out deploy\/plan\.json/);
  });

  it("its commands succeed on the example policy", async () => {
    const policy = join(GITOPS, "policy");
    expect((await runCli(["check", policy, "--format", "github", "--strict"])).code).toBe(0);
    expect((await runCli(["test", policy, "--format", "github"])).code).toBe(0);
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

  it("references the CLI the repository builds", () => {
    expect(existsSync(CLI)).toBe(true);
  });
});

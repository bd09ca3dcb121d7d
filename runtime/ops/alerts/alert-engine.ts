/**
 * Evaluates the plan's alert rules on an interval against the live statistics window
 * and POSTs a JSON notification to the webhook when a rule starts firing (again after
 * `cooldown` while it keeps firing) and once when it resolves. The state and the most
 * recent notifications are served at GET /admin/alerts and on the dashboard.
 *
 * The webhook URL may hold a token (Slack-style hooks do), so it is never logged and
 * never shown: logs and /admin/alerts name only its host.
 */
import { request } from "undici";
import type { PlanAlertRule, PlanAlerts } from "../../../schemas/plan/operations.js";
import { log } from "../../base/log.js";
import { resolveSecret } from "../../base/secrets.js";
import type { StatsWindow } from "../stats/stats-window.js";
import { readRule } from "./alert-rule.js";

/** Notifications kept for /admin/alerts. */
const RECENT = 50;
const WEBHOOK_TIMEOUT_MS = 5000;

export type AlertStatus = "firing" | "resolved";

/** One notification, as sent to the webhook. */
export interface AlertEvent {
  type: "tollgate.alert";
  status: AlertStatus;
  rule: string;
  condition: PlanAlertRule["kind"];
  threshold: number;
  value: number | null;
  windowMs: number;
  message: string;
  time: string;
  plan: string;
  /** Whether the webhook accepted it (2xx). */
  delivered?: boolean;
}

interface RuleState {
  rule: PlanAlertRule;
  firing: boolean;
  since: number | null;
  lastNotified: number | null;
  value: number | null;
  message: string;
}

export class AlertEngine {
  readonly #plan: PlanAlerts;
  readonly #window: StatsWindow;
  readonly #url: string | null;
  readonly #problem: string | null;
  readonly #states: RuleState[];
  #recent: AlertEvent[] = [];
  #timer: NodeJS.Timeout | null = null;
  #sent = 0;
  #failed = 0;
  /** The plan hash notifications name; set by the gateway. */
  planHash: () => string = () => "";

  constructor(plan: PlanAlerts, window: StatsWindow, env: NodeJS.ProcessEnv) {
    this.#plan = plan;
    this.#window = window;
    const ref = plan.webhook;
    if (ref.startsWith("env:") || ref.startsWith("file:")) {
      const secret = resolveSecret(ref, env);
      this.#url = secret.ok ? secret.value : null;
      this.#problem = secret.ok ? null : `alert webhook: ${secret.problem}; alerts are evaluated but not sent`;
    } else {
      this.#url = ref;
      this.#problem = null;
    }
    if (this.#problem !== null) log("warn", this.#problem);
    this.#states = plan.rules.map((rule) => ({ rule, firing: false, since: null, lastNotified: null, value: null, message: "not evaluated yet" }));
  }

  start(): void {
    this.#timer ??= setInterval(() => void this.evaluate(), this.#plan.intervalMs);
    this.#timer.unref();
  }

  close(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
  }

  /** Evaluates every rule once; resolves when its notifications were sent (or failed). */
  async evaluate(now = Date.now()): Promise<void> {
    const sends: Promise<void>[] = [];
    for (const s of this.#states) {
      const reading = readRule(s.rule, this.#window.summary(s.rule.windowMs));
      s.value = reading.value;
      s.message = reading.message;
      if (reading.breached) {
        const wasFiring = s.firing;
        if (!wasFiring) s.since = now;
        s.firing = true;
        const cooled = s.lastNotified === null || now - s.lastNotified >= this.#plan.cooldownMs;
        if (cooled) {
          s.lastNotified = now;
          sends.push(this.#notify(s, "firing", now));
        }
      } else if (s.firing && reading.value !== null) {
        s.firing = false;
        s.since = now;
        sends.push(this.#notify(s, "resolved", now));
      }
    }
    await Promise.all(sends);
  }

  /** The body of GET /admin/alerts. */
  view(): unknown {
    return {
      configured: true,
      webhook: { host: this.#url === null ? null : hostOf(this.#url), sent: this.#sent, failed: this.#failed, problem: this.#problem },
      intervalMs: this.#plan.intervalMs,
      cooldownMs: this.#plan.cooldownMs,
      rules: this.#states.map((s) => ({
        name: s.rule.name,
        condition: s.rule.kind,
        threshold: s.rule.threshold,
        windowMs: s.rule.windowMs,
        state: s.firing ? "firing" : "ok",
        since: s.since === null ? null : new Date(s.since).toISOString(),
        value: s.value,
        message: s.message,
        lastNotified: s.lastNotified === null ? null : new Date(s.lastNotified).toISOString(),
      })),
      recent: [...this.#recent].reverse(),
    };
  }

  async #notify(s: RuleState, status: AlertStatus, now: number): Promise<void> {
    const event: AlertEvent = {
      type: "tollgate.alert",
      status,
      rule: s.rule.name,
      condition: s.rule.kind,
      threshold: s.rule.threshold,
      value: s.value,
      windowMs: s.rule.windowMs,
      message: `${status === "firing" ? "FIRING" : "resolved"}: ${s.rule.name}: ${s.message}`,
      time: new Date(now).toISOString(),
      plan: this.planHash(),
    };
    this.#recent.push(event);
    if (this.#recent.length > RECENT) this.#recent.shift();
    log(status === "firing" ? "warn" : "info", "alert", { rule: event.rule, status, value: event.value, threshold: event.threshold });
    if (this.#url === null) return;
    try {
      const res = await request(this.#url, {
        method: "POST",
        headers: { "content-type": "application/json", "user-agent": "tollgate-alerts" },
        body: JSON.stringify(event),
        headersTimeout: WEBHOOK_TIMEOUT_MS,
        bodyTimeout: WEBHOOK_TIMEOUT_MS,
      });
      await res.body.dump();
      event.delivered = res.statusCode >= 200 && res.statusCode < 300;
      if (!event.delivered) throw new Error(`webhook answered ${res.statusCode}`);
      this.#sent++;
    } catch (err) {
      event.delivered = false;
      this.#failed++;
      log("error", "alert webhook failed", { rule: event.rule, host: hostOf(this.#url), error: err instanceof Error ? err.message : String(err) });
    }
  }
}

function hostOf(url: string): string | null {
  try {
    return new URL(url).host;
  } catch {
    return null;
  }
}

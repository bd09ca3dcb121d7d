/**
 * The built-in dashboard: one static HTML page with inline CSS and script, served by
 * the admin listener at GET /admin/dashboard. No build step, no external assets (the
 * admin port is often air-gapped), no library: charts are drawn on canvases. The
 * script polls GET /admin/dashboard/data every 2 s with the admin token, which it
 * takes from the URL fragment (`#token=…`, never sent to a server), the tab's session
 * storage, or a form.
 */

export const DASHBOARD_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Tollgate dashboard</title>
<style>
  :root { --bg:#0f1419; --panel:#171d24; --line:#26303b; --text:#d8dee6; --dim:#8b97a5; --a:#4fb3ff; --b:#f5a524; --c:#3ecf8e; --bad:#ff5c5c; }
  * { box-sizing: border-box; }
  body { margin:0; font:14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; background:var(--bg); color:var(--text); }
  header { display:flex; gap:16px; align-items:baseline; padding:12px 20px; border-bottom:1px solid var(--line); flex-wrap:wrap; }
  header h1 { font-size:18px; margin:0; }
  header .meta { color:var(--dim); font-family:ui-monospace, monospace; font-size:12px; }
  main { display:grid; grid-template-columns:repeat(auto-fit, minmax(420px, 1fr)); gap:14px; padding:14px 20px; }
  section { background:var(--panel); border:1px solid var(--line); border-radius:8px; padding:12px 14px; min-width:0; }
  section h2 { margin:0 0 8px; font-size:13px; text-transform:uppercase; letter-spacing:.06em; color:var(--dim); }
  .kpis { display:flex; gap:22px; flex-wrap:wrap; }
  .kpi b { display:block; font-size:24px; font-weight:600; }
  .kpi span { color:var(--dim); font-size:12px; }
  canvas { width:100%; height:160px; display:block; }
  table { width:100%; border-collapse:collapse; font-size:13px; }
  th, td { text-align:left; padding:4px 6px; border-bottom:1px solid var(--line); white-space:nowrap; }
  th { color:var(--dim); font-weight:500; }
  td.n { text-align:right; font-variant-numeric:tabular-nums; }
  .bar { height:8px; background:var(--a); border-radius:4px; }
  .empty { color:var(--dim); font-style:italic; }
  .firing { color:var(--bad); font-weight:600; }
  .ok { color:var(--c); }
  .legend { display:flex; gap:12px; font-size:12px; color:var(--dim); margin-top:4px; }
  .legend i { display:inline-block; width:10px; height:3px; margin-right:4px; vertical-align:middle; }
  #login { max-width:420px; margin:80px auto; background:var(--panel); padding:20px; border-radius:8px; border:1px solid var(--line); }
  #login input { width:100%; padding:8px; margin:8px 0; background:var(--bg); color:var(--text); border:1px solid var(--line); border-radius:4px; }
  #login button { padding:8px 14px; background:var(--a); border:0; border-radius:4px; color:#001; font-weight:600; cursor:pointer; }
  #error { color:var(--bad); padding:0 20px; }
</style>
</head>
<body>
<div id="login" hidden>
  <h2>Tollgate admin token</h2>
  <form id="login-form"><input id="token-input" type="password" autocomplete="off" placeholder="admin token"><button>Open dashboard</button></form>
</div>
<div id="app" hidden>
<header>
  <h1>Tollgate</h1>
  <span class="meta">plan <span id="plan-hash">…</span></span>
  <span class="meta" id="plan-loaded"></span>
  <span class="meta" id="workers"></span>
  <span class="meta" id="ready"></span>
  <span class="meta" id="updated"></span>
</header>
<div id="error"></div>
<main>
  <section id="overview"><h2>Last minute</h2>
    <div class="kpis">
      <div class="kpi"><b id="rps">–</b><span>requests/s</span></div>
      <div class="kpi"><b id="success">–</b><span>success rate</span></div>
      <div class="kpi"><b id="p50">–</b><span>latency p50</span></div>
      <div class="kpi"><b id="p95">–</b><span>latency p95</span></div>
      <div class="kpi"><b id="p99">–</b><span>latency p99</span></div>
      <div class="kpi"><b id="ttft50">–</b><span>TTFT p50</span></div>
      <div class="kpi"><b id="ttft95">–</b><span>TTFT p95</span></div>
      <div class="kpi"><b id="spend">–</b><span>spend $/h</span></div>
      <div class="kpi"><b id="inflight">–</b><span>in flight</span></div>
    </div>
  </section>
  <section><h2>Requests per second (5 min)</h2><canvas id="chart-rps"></canvas>
    <div class="legend"><span><i style="background:var(--a)"></i>requests</span><span><i style="background:var(--bad)"></i>failures</span></div></section>
  <section><h2>Latency per second (ms)</h2><canvas id="chart-latency"></canvas>
    <div class="legend"><span><i style="background:var(--a)"></i>p50</span><span><i style="background:var(--b)"></i>p95</span><span><i style="background:var(--c)"></i>TTFT p50</span></div></section>
  <section><h2>Traffic share per target (5 min)</h2><table id="targets"><thead><tr><th>provider</th><th>model</th><th class="n">attempts</th><th class="n">success</th><th>share</th></tr></thead><tbody></tbody></table></section>
  <section><h2>Tokens and spend per consumer and model (5 min)</h2><table id="usage"><thead><tr><th>consumer</th><th>model</th><th class="n">requests</th><th class="n">input tok</th><th class="n">output tok</th><th class="n">spend $</th></tr></thead><tbody></tbody></table></section>
  <section><h2>Alerts</h2><table id="alert-rules"><thead><tr><th>rule</th><th>state</th><th>now</th></tr></thead><tbody></tbody></table><h2 style="margin-top:10px">Recent notifications</h2><div id="alerts-recent"></div></section>
  <section><h2>Quota remaining</h2><div id="quotas"></div></section>
  <section><h2>Ejected endpoints</h2><div id="ejected"></div></section>
  <section><h2>Upstream concurrency</h2><div id="concurrency"></div></section>
  <section><h2>Month-end spend forecast per team (fleet)</h2><div id="forecast"></div></section>
</main>
</div>
<script>
"use strict";
(function () {
  const KEY = "tollgate-admin-token";
  const $ = (id) => document.getElementById(id);
  let token = null;
  const fromHash = new URLSearchParams(location.hash.slice(1)).get("token");
  if (fromHash) { token = fromHash; sessionStorage.setItem(KEY, token); history.replaceState(null, "", location.pathname); }
  else token = sessionStorage.getItem(KEY);

  $("login-form").addEventListener("submit", (e) => { e.preventDefault(); token = $("token-input").value; sessionStorage.setItem(KEY, token); start(); });
  if (token) start(); else $("login").hidden = false;

  function start() { $("login").hidden = true; $("app").hidden = false; poll(); setInterval(poll, 2000); }

  async function poll() {
    try {
      const res = await fetch("/admin/dashboard/data", { headers: { authorization: "Bearer " + token }, cache: "no-store" });
      if (res.status === 401) { sessionStorage.removeItem(KEY); $("app").hidden = true; $("login").hidden = false; return; }
      if (!res.ok) throw new Error("HTTP " + res.status);
      render(await res.json());
      $("error").textContent = "";
    } catch (err) { $("error").textContent = "cannot reach the gateway: " + err.message; }
  }

  const fmtMs = (v) => v === null || v === undefined ? "–" : v >= 1000 ? (v / 1000).toFixed(2) + " s" : Math.round(v) + " ms";
  const fmtN = (v) => v >= 1e6 ? (v / 1e6).toFixed(2) + "M" : v >= 1e4 ? (v / 1e3).toFixed(1) + "k" : String(Math.round(v * 100) / 100);
  const text = (s) => document.createTextNode(String(s));
  function cell(row, value, numeric) { const td = document.createElement("td"); if (numeric) td.className = "n"; if (value instanceof Node) td.appendChild(value); else td.appendChild(text(value)); row.appendChild(td); return td; }
  function fillTable(id, rows, cols, emptyText) {
    const body = $(id).querySelector("tbody"); body.replaceChildren();
    if (rows.length === 0) { const tr = document.createElement("tr"); const td = cell(tr, emptyText); td.colSpan = cols; td.className = "empty"; body.appendChild(tr); return; }
    for (const r of rows) body.appendChild(r);
  }
  function notConfigured(id, section, describe) {
    const el = $(id); el.replaceChildren();
    if (!section || section.configured === false) { el.className = "empty"; el.textContent = "not configured"; return; }
    el.className = ""; describe(el, section);
  }
  function listSection(el, section) {
    const items = section.items || section.entries || [];
    if (items.length === 0) { el.className = "empty"; el.textContent = section.note || "none"; return; }
    const table = document.createElement("table");
    const keys = Object.keys(items[0]);
    const head = document.createElement("tr"); for (const k of keys) { const th = document.createElement("th"); th.textContent = k; head.appendChild(th); }
    table.appendChild(head);
    for (const it of items) { const tr = document.createElement("tr"); for (const k of keys) cell(tr, typeof it[k] === "number" ? fmtN(it[k]) : it[k] ?? "", typeof it[k] === "number"); table.appendChild(tr); }
    el.appendChild(table);
  }

  function render(d) {
    $("plan-hash").textContent = d.plan.hash;
    $("plan-loaded").textContent = "loaded " + new Date(d.plan.loadedAt).toLocaleTimeString();
    $("workers").textContent = d.workers + (d.workers === 1 ? " worker" : " workers");
    $("ready").textContent = d.plan.ready ? "ready" : "draining";
    $("updated").textContent = "updated " + new Date(d.time).toLocaleTimeString();
    $("inflight").textContent = d.inflight;
    const s = d.stats;
    if (s) {
      const h = s.headline;
      $("rps").textContent = h.requestsPerSecond.toFixed(2);
      $("success").textContent = h.requests === 0 ? "–" : (h.successRate * 100).toFixed(1) + "%";
      $("p50").textContent = fmtMs(h.latencyMs.p50); $("p95").textContent = fmtMs(h.latencyMs.p95); $("p99").textContent = fmtMs(h.latencyMs.p99);
      $("ttft50").textContent = fmtMs(h.ttftMs.p50); $("ttft95").textContent = fmtMs(h.ttftMs.p95);
      $("spend").textContent = h.spendPerHourUsd.toFixed(2);
      chart($("chart-rps"), s.series, [["requests", "--a"], ["failures", "--bad"]]);
      chart($("chart-latency"), s.series, [["p50", "--a"], ["p95", "--b"], ["ttftP50", "--c"]]);
      fillTable("targets", s.targets.map((t) => { const tr = document.createElement("tr"); cell(tr, t.provider); cell(tr, t.model); cell(tr, t.attempts, true);
        cell(tr, t.attempts ? (100 * t.successes / t.attempts).toFixed(1) + "%" : "–", true);
        const bar = document.createElement("div"); bar.className = "bar"; bar.style.width = Math.max(2, Math.round(t.share * 100)) + "%"; bar.title = (t.share * 100).toFixed(1) + "%"; cell(tr, bar); return tr; }), 5, "no upstream attempts yet");
      fillTable("usage", s.usage.map((u) => { const tr = document.createElement("tr"); cell(tr, u.consumer); cell(tr, u.model); cell(tr, u.requests, true); cell(tr, fmtN(u.inputTokens), true); cell(tr, fmtN(u.outputTokens), true); cell(tr, u.spendUsd.toFixed(4), true); return tr; }), 6, "no requests yet");
    }
    const a = d.alerts;
    if (!a || a.configured === false) { fillTable("alert-rules", [], 3, "not configured"); $("alerts-recent").replaceChildren(); }
    else {
      fillTable("alert-rules", a.rules.map((r) => { const tr = document.createElement("tr"); cell(tr, r.name); const st = cell(tr, r.state); st.className = r.state; cell(tr, r.message); return tr; }), 3, "no rules");
      const box = $("alerts-recent"); box.replaceChildren();
      if (a.recent.length === 0) { box.className = "empty"; box.textContent = "none"; }
      else { box.className = ""; for (const e of a.recent.slice(0, 10)) { const div = document.createElement("div"); div.className = e.status === "firing" ? "firing" : "ok"; div.textContent = new Date(e.time).toLocaleTimeString() + "  " + e.message; box.appendChild(div); } }
    }
    notConfigured("quotas", d.quotas, listSection);
    notConfigured("ejected", d.ejected, listSection);
    notConfigured("forecast", d.forecast, listSection);
    notConfigured("concurrency", d.concurrency, listSection);
  }

  /** A line chart of series[*][key] for each [key, colour variable]; null points are gaps. */
  function chart(canvas, series, lines) {
    const dpr = window.devicePixelRatio || 1;
    const w = canvas.clientWidth, h = canvas.clientHeight;
    canvas.width = Math.round(w * dpr); canvas.height = Math.round(h * dpr);
    const g = canvas.getContext("2d"); g.scale(dpr, dpr); g.clearRect(0, 0, w, h);
    const css = getComputedStyle(document.documentElement);
    let max = 0;
    for (const p of series) for (const [k] of lines) if (p[k] !== null && p[k] > max) max = p[k];
    max = max === 0 ? 1 : max * 1.1;
    const left = 40, bottom = h - 16, top = 6, right = w - 6;
    g.strokeStyle = css.getPropertyValue("--line"); g.fillStyle = css.getPropertyValue("--dim"); g.font = "11px system-ui"; g.lineWidth = 1;
    for (let i = 0; i <= 4; i++) { const y = bottom - (bottom - top) * i / 4; g.beginPath(); g.moveTo(left, y); g.lineTo(right, y); g.stroke(); g.fillText(fmtN(max * i / 4), 2, y + 4); }
    const n = Math.max(1, series.length - 1);
    let drawn = 0;
    for (const [k, colour] of lines) {
      g.strokeStyle = css.getPropertyValue(colour); g.lineWidth = 2; g.beginPath();
      let pen = false;
      series.forEach((p, i) => {
        const v = p[k];
        if (v === null || v === undefined) { pen = false; return; }
        const x = left + (right - left) * i / n, y = bottom - (bottom - top) * v / max;
        if (pen) g.lineTo(x, y); else g.moveTo(x, y);
        pen = true; if (v > 0) drawn++;
      });
      g.stroke();
    }
    canvas.dataset.points = String(drawn);
  }
})();
</script>
</body>
</html>
`;

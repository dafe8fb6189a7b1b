/// The dashboard: one self-contained page (no external scripts, styles or fonts; works offline)
/// on the JSON API: the workflow's graph, a plan under bounds set with sliders (with its
/// explanation and per-stage shares), the Pareto front with the plan marked, and a simulation's
/// latency distribution and timeline.
enum Dashboard {
    static let html = #"""
<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Trimtab</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
:root{--ink:#1d2733;--muted:#5b6876;--line:#d5dbe3;--bg:#f4f6f9;--accent:#1f6feb;--good:#1a7f37;--bad:#cf222e}
*{box-sizing:border-box}body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:var(--ink);background:var(--bg)}
header{background:var(--ink);color:#fff;padding:.7em 1.4em;display:flex;align-items:baseline;gap:1em}
header h1{margin:0;font-size:1.25em}header span{opacity:.7;font-size:.9em}
main{display:grid;grid-template-columns:minmax(330px,380px) 1fr;gap:1em;padding:1em 1.4em}
.panel{background:#fff;border:1px solid var(--line);border-radius:8px;padding:.8em 1em;margin-bottom:1em}
.panel h2{font-size:1em;margin:.1em 0 .6em;color:var(--muted);text-transform:uppercase;letter-spacing:.05em}
textarea{width:100%;height:38vh;font-family:ui-monospace,monospace;font-size:12px;border:1px solid var(--line);border-radius:6px;padding:.5em}
.row{display:grid;grid-template-columns:1.4em 6.5em 1fr 5.5em;align-items:center;gap:.4em;margin:.35em 0;font-size:.9em}
.row output{font-variant-numeric:tabular-nums;text-align:right}
input[type=range]{width:100%}select,input[type=number]{font:inherit;padding:.15em}
button{font:inherit;margin:.35em .35em 0 0;padding:.45em 1em;border:1px solid var(--accent);background:var(--accent);color:#fff;border-radius:6px;cursor:pointer}
button.secondary{background:#fff;color:var(--accent)}
.cards{display:flex;gap:.7em;flex-wrap:wrap}.card{flex:1;min-width:9em;background:var(--bg);border-radius:6px;padding:.5em .7em}
.card b{display:block;font-size:1.35em;font-variant-numeric:tabular-nums}.card small{color:var(--muted)}
.status{font-weight:600}.status.optimal{color:var(--good)}.status.infeasible{color:var(--bad)}
.error{color:var(--bad);white-space:pre-wrap;font-family:ui-monospace,monospace;font-size:.9em}
table{border-collapse:collapse;width:100%;font-size:.88em;margin:.5em 0}td,th{border-bottom:1px solid var(--line);padding:.3em .5em;text-align:left}
th{color:var(--muted);font-weight:600}td.num{text-align:right;font-variant-numeric:tabular-nums}
.bar{height:.7em;background:var(--accent);border-radius:3px;display:inline-block;vertical-align:middle}
.bar.cost{background:#bf8700}
svg{display:block;max-width:100%}svg text{font-size:11px;fill:var(--ink)}
.grid2{display:grid;grid-template-columns:1fr 1fr;gap:1em}
.muted{color:var(--muted);font-size:.88em}
</style></head><body>
<header><h1>Trimtab</h1><span>latency · cost · accuracy planning for inference workflows</span></header>
<main>
<section>
<div class="panel"><h2>Workflow</h2>
<textarea id="workflow" spellcheck="false">version: 1
name: two-stage
stages:
  - name: resize
    latency_ms: {128: 5500.5, 512: 1301.3, 1024: 716.0}
  - name: classify
    variants:
      - {name: resnet18, accuracy: 0.6975, latency_ms: {2048: 820.0, 4096: 410.0}}
      - {name: resnet50, accuracy: 0.7613, latency_ms: {2048: 1900.0, 4096: 950.0}}
edges:
  - {from: start, to: resize}
  - {from: resize, to: classify}
  - {from: classify, to: end}
goal:
  minimize: cost
  subject_to: {latency_ms: 3000}
</textarea>
<div class="muted">Edit it (format v1) or <label><input type="file" id="file" accept=".yaml,.yml,.json"> open a file</label></div>
<button class="secondary" onclick="validate()">Check and draw</button>
</div>
<div class="panel"><h2>Goal</h2>
<label>objective <select id="objective"><option value="">from the file</option><option value="min:cost">minimise cost</option>
<option value="min:latency">minimise latency</option><option value="max:accuracy">maximise accuracy</option></select></label>
<div class="row"><input type="checkbox" id="use_max_latency_ms"><span>latency ≤</span><input type="range" id="max_latency_ms"><output id="out_max_latency_ms">–</output></div>
<div class="row"><input type="checkbox" id="use_max_cost_per_million"><span>cost/1M ≤</span><input type="range" id="max_cost_per_million"><output id="out_max_cost_per_million">–</output></div>
<div class="row"><input type="checkbox" id="use_min_accuracy"><span>accuracy ≥</span><input type="range" id="min_accuracy"><output id="out_min_accuracy">–</output></div>
<div class="muted">Unticked: the file's bound. Slider ranges span the Pareto front.</div>
<button id="plan" onclick="plan()">Plan</button><button class="secondary" onclick="pareto()">Pareto front</button>
</div>
<div class="panel"><h2>Simulate the plan</h2>
<label>Poisson load <input type="number" id="rate" value="5" min="0.01" step="any" style="width:5em"> req/s</label>
<label>for <input type="number" id="duration" value="300" min="1" step="any" style="width:5em"> s</label><br>
<button class="secondary" id="simulate" onclick="simulate()">Simulate</button>
</div>
</section>
<section>
<div class="panel"><h2>Graph</h2><div id="graph" class="muted">Check the workflow to draw it.</div></div>
<div class="panel"><h2>Plan</h2><div id="result" class="muted">Plan to see the best configuration.</div></div>
<div class="grid2">
<div class="panel"><h2>Pareto front</h2><div id="front" class="muted">Latency × cost, accuracy as colour.</div></div>
<div class="panel"><h2>Where latency and cost go</h2><div id="breakdown" class="muted">Per stage, after planning.</div></div>
</div>
<div class="panel"><h2>Simulation</h2><div id="simulation" class="muted">Simulate the plan under load: latency distribution and timeline.</div></div>
<div class="panel" id="history-panel" style="display:none"><h2>Controller history</h2><div id="history"></div></div>
</section>
</main>
<script>
const $ = id => document.getElementById(id);
const esc = s => String(s).replace(/[&<>"]/g, c => ({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;'}[c]));
const fmt = x => typeof x !== 'number' ? esc(x) : Math.abs(x) >= 100 ? x.toFixed(1) : Math.abs(x) >= 1 ? x.toFixed(2) : x.toPrecision(4);
const BOUNDS = ['max_latency_ms', 'max_cost_per_million', 'min_accuracy'];
let front = [], chosen = null, lastPlan = null;

async function api(path, body, query) {
  const headers = {'Content-Type': body.startsWith('{') ? 'application/json' : 'application/yaml'};
  const token = sessionStorage.getItem('trimtab-token'); if (token) headers['Authorization'] = 'Bearer ' + token;
  let r = await fetch(path + (query ? '?' + query : ''), {method: 'POST', body, headers});
  if (r.status === 401) {
    const given = prompt('This server needs its API token:');
    if (given) { sessionStorage.setItem('trimtab-token', given); headers['Authorization'] = 'Bearer ' + given; r = await fetch(path + (query ? '?' + query : ''), {method: 'POST', body, headers}); }
  }
  let j; try { j = await r.json(); } catch (e) { j = {error: `HTTP ${r.status}: ${r.statusText}`}; }
  return {status: r.status, body: j};
}
function goalQuery(extra) {
  const q = new URLSearchParams(extra || {}); const o = $('objective').value;
  if (o) { const [k, v] = o.split(':'); q.set(k === 'min' ? 'minimize' : 'maximize', v); }
  for (const k of BOUNDS) if ($('use_' + k).checked) q.set(k, $(k).value);
  return q.toString();
}
function showError(el, j) { $(el).innerHTML = `<p class="error">${esc(j.error || JSON.stringify(j))}</p>`; }
for (const k of BOUNDS) {
  $(k).addEventListener('input', () => { $('out_' + k).textContent = fmt(+$(k).value); $('use_' + k).checked = true; });
  $('use_' + k).addEventListener('change', () => { $('out_' + k).textContent = $('use_' + k).checked ? fmt(+$(k).value) : 'file'; });
}
$('file').addEventListener('change', async e => { const f = e.target.files[0]; if (f) { $('workflow').value = await f.text(); await validate(); await pareto(); } });

function setRange(k, lo, hi) {
  const el = $(k); if (!(hi > lo)) { hi = lo * 1.1 + 1e-9; }
  const pad = (hi - lo) * 0.05; el.min = Math.max(0, lo - pad); el.max = k === 'min_accuracy' ? Math.min(1, hi + pad) : hi + pad;
  el.step = (el.max - el.min) / 200; if (!$('use_' + k).checked) el.value = k === 'min_accuracy' ? el.min : el.max;
  $('out_' + k).textContent = $('use_' + k).checked ? fmt(+el.value) : 'file';
}

async function validate() {
  const {body: j} = await api('/v1/validate', $('workflow').value);
  if (j.error) { showError('graph', j); return null; }
  $('graph').innerHTML = drawGraph(j, lastPlan);
  return j;
}
let lastGraph = null;
function drawGraph(v, p) {
  lastGraph = v;
  const names = ['start', ...v.stage_options.map(s => s.stage), 'end'];
  const level = {start: 0}; const out = {};
  for (const e of v.graph) (out[e.from] = out[e.from] || []).push(e);
  // Longest-path layers over the edges that go forward (a back edge closes a loop).
  for (let pass = 0; pass < names.length; pass++) for (const e of v.graph) {
    if (e.from === e.to || level[e.from] === undefined) continue;
    const l = level[e.from] + 1; if (level[e.to] === undefined || (l > level[e.to] && l < names.length + 1 && !reaches(e.to, e.from))) level[e.to] = l;
  }
  function reaches(a, b) { const seen = new Set([a]), todo = [a]; while (todo.length) { const n = todo.pop(); if (n === b) return true; for (const e of out[n] || []) if (!seen.has(e.to)) { seen.add(e.to); todo.push(e.to); } } return false; }
  const layers = {}; for (const n of names) { const l = level[n] ?? 0; (layers[l] = layers[l] || []).push(n); }
  const L = Math.max(...Object.keys(layers).map(Number)) + 1, rows = Math.max(...Object.values(layers).map(a => a.length));
  const W = Math.max(520, L * 130), H = Math.max(120, rows * 64 + 30), pos = {};
  for (const [l, ns] of Object.entries(layers)) ns.forEach((n, i) => { pos[n] = [60 + l * (W - 120) / Math.max(1, L - 1), (i + 1) * H / (ns.length + 1)]; });
  const critical = new Set(p && p.explanation ? p.explanation.critical_path : []);
  const choice = {}; if (p && p.configuration) for (const [k, c] of Object.entries(p.configuration)) choice[k] = (c.variant ? c.variant + ' · ' : '') + c.memory_mb + ' MB';
  let s = `<svg width="${W}" height="${H}" id="graph-svg"><defs><marker id="arr" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0L10,5L0,10z" fill="#8a96a3"/></marker></defs>`;
  for (const e of v.graph) {
    const [x1, y1] = pos[e.from], [x2, y2] = pos[e.to];
    if (e.from === e.to) { s += `<path d="M${x1 - 12},${y1 - 16} C${x1 - 30},${y1 - 60} ${x1 + 30},${y1 - 60} ${x1 + 12},${y1 - 16}" fill="none" stroke="#8a96a3" marker-end="url(#arr)"/><text x="${x1}" y="${y1 - 50}" text-anchor="middle">${fmt(e.probability)}</text>`; continue; }
    const back = pos[e.to][0] <= pos[e.from][0];
    const d = back ? `M${x1},${y1 + 16} C${x1},${y1 + 60} ${x2},${y2 + 60} ${x2},${y2 + 16}` : `M${x1 + 46},${y1} L${x2 - 46},${y2}`;
    s += `<path d="${d}" fill="none" stroke="#8a96a3" stroke-width="1.4" marker-end="url(#arr)"/>`;
    if (e.probability < 1) s += `<text x="${(x1 + x2) / 2}" y="${(y1 + y2) / 2 - 5 + (back ? 40 : 0)}" text-anchor="middle" fill="#5b6876">p=${fmt(e.probability)}</text>`;
  }
  for (const n of names) {
    const [x, y] = pos[n], terminal = n === 'start' || n === 'end', hot = critical.has(n);
    s += `<g class="node" data-stage="${esc(n)}"><rect x="${x - 46}" y="${y - 16}" width="92" height="32" rx="${terminal ? 16 : 6}" fill="${terminal ? '#e8edf3' : hot ? '#fff1e5' : '#eef4ff'}" stroke="${hot ? '#bf8700' : '#9fb3c8'}" stroke-width="${hot ? 2 : 1}"/>`;
    s += `<text x="${x}" y="${y + (choice[n] ? -2 : 4)}" text-anchor="middle" font-weight="600">${esc(n.length > 14 ? n.slice(0, 13) + '…' : n)}</text>`;
    if (choice[n]) s += `<text x="${x}" y="${y + 11}" text-anchor="middle" fill="#5b6876" font-size="9">${esc(choice[n])}</text>`;
    s += '</g>';
  }
  return s + `</svg><div class="muted">${v.stages} stages, ${v.edges} edges, ${fmt(v.configurations)} configurations${critical.size ? ' · critical path outlined' : ''}</div>`;
}

async function pareto() {
  const {body: j} = await api('/v1/pareto', $('workflow').value);
  if (j.error) { showError('front', j); return; }
  front = j.points;
  if (front.length) {
    const xs = front.map(p => p.predicted.latency_ms), ys = front.map(p => p.predicted.cost_per_million_usd), as = front.map(p => p.predicted.accuracy);
    setRange('max_latency_ms', Math.min(...xs), Math.max(...xs)); setRange('max_cost_per_million', Math.min(...ys), Math.max(...ys));
    setRange('min_accuracy', Math.min(...as), Math.max(...as));
  }
  drawFront();
}
function drawFront() {
  if (!front.length) { $('front').innerHTML = '<p class="muted">No configuration meets the bounds.</p>'; return; }
  const W = 440, H = 300, P = 48;
  const xs = front.map(p => p.predicted.latency_ms), ys = front.map(p => p.predicted.cost_per_million_usd), as = front.map(p => p.predicted.accuracy);
  const [x0, x1, y0, y1, a0, a1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys), Math.min(...as), Math.max(...as)];
  const sx = x => P + (x1 > x0 ? (x - x0) / (x1 - x0) : .5) * (W - P - 14), sy = y => H - P + 10 - (y1 > y0 ? (y - y0) / (y1 - y0) : .5) * (H - P - 10);
  const color = a => `hsl(${Math.round(8 + 125 * (a1 > a0 ? (a - a0) / (a1 - a0) : 1))},68%,42%)`;
  let s = `<svg width="${W}" height="${H + 10}" id="front-svg"><line x1="${P}" y1="${H - P + 14}" x2="${W - 10}" y2="${H - P + 14}" stroke="#9fb3c8"/><line x1="${P - 4}" y1="10" x2="${P - 4}" y2="${H - P + 14}" stroke="#9fb3c8"/>`;
  s += `<text x="${P}" y="${H - P + 28}">${fmt(x0)}</text><text x="${W - 10}" y="${H - P + 28}" text-anchor="end">${fmt(x1)} ms</text><text x="${(W + P) / 2}" y="${H - P + 42}" text-anchor="middle">expected latency</text>`;
  s += `<text x="${P - 8}" y="${H - P + 12}" text-anchor="end">${fmt(y0)}</text><text x="${P - 8}" y="18" text-anchor="end">${fmt(y1)}</text><text x="12" y="${(H - P) / 2}" transform="rotate(-90 12 ${(H - P) / 2})" text-anchor="middle">USD per 1M runs</text>`;
  front.forEach((p, i) => { s += `<circle class="point" cx="${sx(xs[i])}" cy="${sy(ys[i])}" r="4.5" fill="${color(as[i])}" onclick="pickPoint(${i})"><title>${fmt(xs[i])} ms · ${fmt(ys[i])} USD · accuracy ${fmt(as[i])}</title></circle>`; });
  if (chosen) s += `<circle id="chosen" cx="${sx(chosen.latency_ms)}" cy="${sy(chosen.cost_per_million_usd)}" r="9" fill="none" stroke="#1d2733" stroke-width="2"><title>the plan</title></circle>`;
  $('front').innerHTML = s + `</svg><div class="muted">${front.length} non-dominated points · colour: accuracy ${fmt(a0)} (red) – ${fmt(a1)} (green) · ring: the plan · click a point for its configuration</div><div id="picked"></div>`;
}
function pickPoint(i) {
  const p = front[i];
  $('picked').innerHTML = `<table><tr><th>stage</th><th>variant</th><th>memory (MB)</th></tr>` + Object.entries(p.configuration).map(([k, c]) =>
    `<tr><td>${esc(k)}</td><td>${esc(c.variant || '–')}</td><td class="num">${c.memory_mb}</td></tr>`).join('') + '</table>';
}

async function plan() {
  $('result').innerHTML = '<p class="muted">planning…</p>';
  if (!front.length) await pareto();
  const {status, body: j} = await api('/v1/plan', $('workflow').value, goalQuery({explain: 'true'}));
  if (j.error) { showError('result', j); return; }
  lastPlan = j; chosen = j.predicted || null;
  let h = `<p class="status ${esc(j.status)}" id="plan-status">${esc(j.status)} <span class="muted">(${esc(j.solver)}; ${esc(goalText(j.goal))})</span></p>`;
  if (j.predicted) {
    h += `<div class="cards"><div class="card"><small>expected latency</small><b id="plan-latency">${fmt(j.predicted.latency_ms)}</b><small>ms</small></div>`;
    h += `<div class="card"><small>cost</small><b id="plan-cost">${fmt(j.predicted.cost_per_million_usd)}</b><small>USD per 1M runs</small></div>`;
    h += `<div class="card"><small>accuracy</small><b id="plan-accuracy">${fmt(j.predicted.accuracy)}</b><small>combined</small></div></div>`;
  }
  if (j.explanation) {
    h += '<table><tr><th>bound</th><th>limit</th><th>plan</th><th>slack</th><th></th></tr>' + j.explanation.bounds.map(b =>
      `<tr><td>${esc(b.bound)}</td><td class="num">${fmt(b.limit)}</td><td class="num">${fmt(b.value)}</td><td class="num">${fmt(b.relative_slack * 100)}%</td><td>${b.binding ? '<b>binds</b>' : 'slack'}</td></tr>`).join('') + '</table>';
    h += `<div class="muted">critical path: ${esc(j.explanation.critical_path.join(' → ') || '–')}</div>`;
  }
  if (j.closest) h += `<p>No configuration meets the bounds. Closest to feasible: <b>${esc(j.closest_bound || '–')}</b></p><table><tr><th>bound</th><th>limit</th><th>best reachable</th></tr>` +
    j.closest.map(c => `<tr><td>${esc(c.bound)}</td><td class="num">${fmt(c.limit)}</td><td class="num">${c.best === null ? (c.proven === false ? 'not settled in time' : '–') : fmt(c.best) + (c.proven === false ? ' (not proven)' : '')}</td></tr>`).join('') + '</table>';
  $('result').innerHTML = h;
  $('breakdown').innerHTML = j.explanation ? breakdown(j.explanation.stages) : '<p class="muted">No plan.</p>';
  if (lastGraph) $('graph').innerHTML = drawGraph(lastGraph, j); else await validate();
  drawFront();
}
function goalText(g) { if (!g) return ''; const parts = [(g.objective === 'accuracy' ? 'maximise ' : 'minimise ') + g.objective];
  if (g.max_latency_ms) parts.push('latency ≤ ' + fmt(g.max_latency_ms) + ' ms'); if (g.max_cost_per_million) parts.push('cost ≤ ' + fmt(g.max_cost_per_million));
  if (g.min_accuracy) parts.push('accuracy ≥ ' + fmt(g.min_accuracy)); return parts.join(', '); }
function breakdown(stages) {
  return '<table><tr><th>stage</th><th>choice</th><th>latency share</th><th>cost share</th></tr>' + stages.map(s =>
    `<tr><td>${esc(s.stage)}</td><td>${esc((s.choice.variant ? s.choice.variant + ' · ' : '') + s.choice.memory_mb + ' MB')}</td>` +
    `<td><span class="bar" style="width:${Math.round(s.latency_share * 120)}px"></span> ${fmt(s.latency_share * 100)}%</td>` +
    `<td><span class="bar cost" style="width:${Math.round(s.cost_share * 120)}px"></span> ${fmt(s.cost_share * 100)}%</td></tr>`).join('') + '</table>';
}

async function simulate() {
  if (!lastPlan || !lastPlan.configuration) await plan();
  if (!lastPlan || !lastPlan.configuration) { $('simulation').innerHTML = '<p class="muted">Nothing to simulate: no plan.</p>'; return; }
  $('simulation').innerHTML = '<p class="muted">simulating…</p>';
  const body = JSON.stringify({workflow: $('workflow').value, configuration: lastPlan.configuration, arrivals: 'poisson:' + $('rate').value,
                               duration: +$('duration').value, timeline: true, slo_ms: lastPlan.goal && lastPlan.goal.max_latency_ms || undefined});
  const {body: j} = await api('/v1/simulate', body);
  if (j.error) { showError('simulation', j); return; }
  let h = `<div class="cards"><div class="card"><small>requests</small><b>${j.requests}</b></div><div class="card"><small>p50 / p95 / p99</small><b>${fmt(j.latency_ms.p50)} / ${fmt(j.latency_ms.p95)} / ${fmt(j.latency_ms.p99)}</b><small>ms</small></div>`;
  h += `<div class="card"><small>over the SLO</small><b>${j.share_over_slo === null ? '–' : fmt(j.share_over_slo * 100) + '%'}</b></div><div class="card"><small>cold starts</small><b>${j.cold_starts}</b></div></div>`;
  h += `<div class="grid2"><div>${lineChart('sim-cdf', j.latency_cdf.map(p => [p.latency_ms, p.percentile / 100]), 'latency (ms)', 'share of requests')}</div>`;
  h += `<div>${lineChart('sim-timeline', (j.timeline || []).map(t => [t.second, t.arrivals]), 'second', 'arrivals per second', (j.timeline || []).map(t => [t.second, t.instances]))}<div class="muted">blue: arrivals per second · orange: instances</div></div></div>`;
  $('simulation').innerHTML = h;
}
function lineChart(id, pts, xl, yl, second) {
  const W = 420, H = 230, P = 44; if (!pts.length) return '<p class="muted">no data</p>';
  const all = pts.concat(second || []), xs = all.map(p => p[0]), ys = all.map(p => p[1]);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), 0, Math.max(...ys)];
  const sx = x => P + (x1 > x0 ? (x - x0) / (x1 - x0) : .5) * (W - P - 10), sy = y => H - P + 10 - (y1 > y0 ? (y - y0) / (y1 - y0) : .5) * (H - P - 6);
  const path = ps => 'M' + ps.map(p => `${sx(p[0]).toFixed(1)},${sy(p[1]).toFixed(1)}`).join('L');
  let s = `<svg width="${W}" height="${H + 16}" id="${id}"><line x1="${P}" y1="${H - P + 12}" x2="${W - 8}" y2="${H - P + 12}" stroke="#9fb3c8"/><line x1="${P - 2}" y1="4" x2="${P - 2}" y2="${H - P + 12}" stroke="#9fb3c8"/>`;
  s += `<path d="${path(pts)}" fill="none" stroke="#1f6feb" stroke-width="1.6"/>` + (second ? `<path d="${path(second)}" fill="none" stroke="#bf8700" stroke-width="1.4"/>` : '');
  s += `<text x="${P}" y="${H - P + 26}">${fmt(x0)}</text><text x="${W - 8}" y="${H - P + 26}" text-anchor="end">${fmt(x1)}</text><text x="${(W + P) / 2}" y="${H - P + 40}" text-anchor="middle">${esc(xl)}</text>`;
  s += `<text x="${P - 6}" y="12" text-anchor="end">${fmt(y1)}</text><text x="${P - 6}" y="${H - P + 12}" text-anchor="end">0</text><text x="10" y="${(H - P) / 2}" transform="rotate(-90 10 ${(H - P) / 2})" text-anchor="middle">${esc(yl)}</text>`;
  return s + '</svg>';
}
async function history() {
  const token = sessionStorage.getItem('trimtab-token');
  const r = await fetch('/v1/history', {headers: token ? {'Authorization': 'Bearer ' + token} : {}});
  if (r.status !== 200) return;
  const rows = await r.json(); if (!rows.length) return;
  $('history-panel').style.display = '';
  const t0 = Date.parse(rows[0].time) / 1000, at = row => Date.parse(row.time) / 1000 - t0;
  const load = rows.filter(x => x.load !== null).map(x => [at(x), x.load]), forecast = rows.filter(x => x.forecast !== null).map(x => [at(x), x.forecast]);
  const stages = [...new Set(rows.flatMap(x => Object.keys(x.configuration)))];
  let h = `<div class="grid2"><div>${lineChart('history-load', load, 'seconds since ' + esc(rows[0].time), 'requests/s', forecast)}<div class="muted">blue: load · orange: forecast</div></div>`;
  h += '<div><table><tr><th>time</th><th>outcome</th>' + stages.map(s => `<th>${esc(s)}</th>`).join('') + '</tr>' + rows.slice(-12).map(x =>
    `<tr><td>${esc(x.time.slice(11, 19))}</td><td>${esc(x.outcome)}</td>` + stages.map(s => { const c = x.configuration[s] || {};
      return `<td>${esc([c.variant, c.replicas !== undefined ? '×' + c.replicas : '', c.memory_mb ? c.memory_mb + ' MB' : '', c.batch_size ? 'B' + c.batch_size : ''].filter(Boolean).join(' '))}</td>`; }).join('') + '</tr>').join('') + '</table></div></div>';
  $('history').innerHTML = h + `<div class="muted">${rows.length} iterations; the table shows the last 12 (variant, replicas, memory, batch per stage).</div>`;
}
validate().then(pareto).then(history);
</script></body></html>
"""#
}

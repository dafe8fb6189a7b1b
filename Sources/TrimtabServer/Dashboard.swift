/// The dashboard: one self-contained page (no external scripts or styles) that sends the
/// workflow in the editor to the JSON API and shows the plan, the prediction and the Pareto front.
enum Dashboard {
    static let html = #"""
<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Trimtab</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font-family:system-ui,sans-serif;margin:0;color:#1d2733;background:#f5f7fa}
header{background:#1d2733;color:#fff;padding:.8em 1.5em}header h1{margin:0;font-size:1.3em}
header span{opacity:.7;font-size:.9em}
main{display:grid;grid-template-columns:minmax(320px,1fr) 2fr;gap:1em;padding:1em 1.5em}
textarea{width:100%;height:60vh;font-family:ui-monospace,monospace;font-size:12px;box-sizing:border-box}
fieldset{border:1px solid #ccd3dc;margin:.5em 0}label{display:inline-block;margin:.2em .6em .2em 0;font-size:.9em}
input[type=number]{width:7em}button{margin:.3em .3em 0 0;padding:.4em .9em;cursor:pointer}
table{border-collapse:collapse;margin:.5em 0;background:#fff}td,th{border:1px solid #ccd3dc;padding:.25em .6em;text-align:left}
th{background:#e8edf3}.error{color:#b00020;white-space:pre-wrap}.status{font-weight:bold}
svg{background:#fff;border:1px solid #ccd3dc}circle{cursor:pointer}
</style></head><body>
<header><h1>Trimtab</h1><span>latency · cost · accuracy planning for inference workflows</span></header>
<main>
<section>
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
<fieldset><legend>Goal (empty = the file's)</legend>
<label>objective <select id="objective"><option value="">from file</option><option value="min:cost">minimize cost</option>
<option value="min:latency">minimize latency</option><option value="max:accuracy">maximize accuracy</option></select></label><br>
<label>latency ≤ <input id="max_latency_ms" type="number" step="any"> ms</label>
<label>cost ≤ <input id="max_cost_per_million" type="number" step="any"> USD/1M</label>
<label>accuracy ≥ <input id="min_accuracy" type="number" step="any" min="0" max="1"></label>
</fieldset>
<button onclick="run('validate')">Validate</button><button onclick="run('plan')">Plan</button><button onclick="run('pareto')">Pareto front</button>
</section>
<section id="out"><p>Edit the workflow (format v1), then plan it.</p></section>
</main>
<script>
const $ = id => document.getElementById(id);
const esc = s => String(s).replace(/[&<>"]/g, c => ({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;'}[c]));
const fmt = x => typeof x === 'number' ? (Math.abs(x) >= 100 ? x.toFixed(1) : x.toPrecision(4)) : esc(x);
function query() {
  const q = new URLSearchParams(); const o = $('objective').value;
  if (o) { const [k, v] = o.split(':'); q.set(k === 'min' ? 'minimize' : 'maximize', v); }
  for (const k of ['max_latency_ms', 'max_cost_per_million', 'min_accuracy']) if ($(k).value) q.set(k, $(k).value);
  return q.toString();
}
function configTable(c) {
  return '<table><tr><th>stage</th><th>variant</th><th>memory (MB)</th></tr>' + Object.entries(c).map(([s, v]) =>
    `<tr><td>${esc(s)}</td><td>${esc(v.variant || '')}</td><td>${v.memory_mb}</td></tr>`).join('') + '</table>';
}
function predicted(p) {
  return `<table><tr><th>latency (ms)</th><th>cost per 1M (USD)</th><th>accuracy</th></tr><tr><td>${fmt(p.latency_ms)}</td><td>${fmt(p.cost_per_million_usd)}</td><td>${fmt(p.accuracy)}</td></tr></table>`;
}
function scatter(points) {
  const W = 640, H = 400, P = 50;
  const xs = points.map(p => p.predicted.latency_ms), ys = points.map(p => p.predicted.cost_per_million_usd), as = points.map(p => p.predicted.accuracy);
  const [x0, x1, y0, y1, a0, a1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys), Math.min(...as), Math.max(...as)];
  const sx = x => P + (x1 > x0 ? (x - x0) / (x1 - x0) : .5) * (W - 2 * P), sy = y => H - P - (y1 > y0 ? (y - y0) / (y1 - y0) : .5) * (H - 2 * P);
  const color = a => { const t = a1 > a0 ? (a - a0) / (a1 - a0) : 1; return `hsl(${Math.round(10 + 120 * t)},70%,42%)`; };
  let s = `<svg width="${W}" height="${H}"><text x="${W / 2}" y="${H - 10}" text-anchor="middle">latency (ms) ${fmt(x0)} – ${fmt(x1)}</text>`;
  s += `<text x="14" y="${H / 2}" transform="rotate(-90 14 ${H / 2})" text-anchor="middle">cost per 1M (USD) ${fmt(y0)} – ${fmt(y1)}</text>`;
  points.forEach((p, i) => { s += `<circle cx="${sx(xs[i])}" cy="${sy(ys[i])}" r="4" fill="${color(as[i])}" onclick="pick(${i})"><title>${fmt(xs[i])} ms, ${fmt(ys[i])} USD, accuracy ${fmt(as[i])}</title></circle>`; });
  return s + '</svg><p>Colour: accuracy (red low, green high). Click a point for its configuration.</p><div id="picked"></div>';
}
let front = [];
function pick(i) { $('picked').innerHTML = predicted(front[i].predicted) + configTable(front[i].configuration); }
async function run(command) {
  const out = $('out'); out.innerHTML = '<p>…</p>';
  const q = command === 'validate' ? '' : query();
  const r = await fetch(`/v1/${command}` + (q ? '?' + q : ''), {method: 'POST', body: $('workflow').value});
  const j = await r.json();
  if (j.error) { out.innerHTML = `<p class="error">${esc(j.error)}</p>`; return; }
  if (command === 'plan') {
    out.innerHTML = `<p class="status">${esc(j.status)}</p>` + (j.configuration ? predicted(j.predicted) + configTable(j.configuration) : '') +
      (j.closest ? `<p>closest to feasible: ${esc(j.closest_bound || '')}</p><pre>${esc(JSON.stringify(j.closest, null, 1))}</pre>` : '');
  } else if (command === 'pareto') {
    front = j.points; out.innerHTML = `<p class="status">${front.length} non-dominated points</p>` + (front.length ? scatter(front) : '');
  } else {
    out.innerHTML = `<pre>${esc(JSON.stringify(j, null, 2))}</pre>`;
  }
}
</script></body></html>
"""#
}

// The run page: loss curves (raw and exponentially smoothed, per loss) and visuals per epoch, re-read whenever the
// server's event stream says the trainer wrote a file. The page never reloads.
header("Runs");
const name = new URLSearchParams(location.search).get("name") || "";
let detail = null;
let updates = 0;
const smooth = document.getElementById("smooth");

function chart(label, xs, ys, alpha) {
  const w = 290, h = 150, pad = 30;
  const finite = ys.filter(Number.isFinite);
  if (finite.length === 0) return "";
  let lo = Math.min(...finite), hi = Math.max(...finite);
  if (hi === lo) { hi += 1; lo -= 1; }
  const x0 = xs[0], x1 = xs[xs.length - 1] === x0 ? x0 + 1 : xs[xs.length - 1];
  const px = x => pad + (x - x0) / (x1 - x0) * (w - pad - 6), py = y => h - 18 - (y - lo) / (hi - lo) * (h - 30);
  const path = vs => vs.map((v, i) => `${i ? "L" : "M"}${px(xs[i]).toFixed(1)},${py(v).toFixed(1)}`).join("");
  let s = null;
  const smoothed = ys.map(v => (s = s === null ? v : alpha * s + (1 - alpha) * v));
  return `<div class="chart" data-loss="${esc(label)}"><h4>${esc(label)} (last ${fmt(ys[ys.length - 1])})</h4>
    <svg width="${w}" height="${h}"><rect x="${pad}" y="8" width="${w - pad - 6}" height="${h - 26}" fill="#fcfcff" stroke="#ddd"/>
    <text x="2" y="14" font-size="10">${hi.toPrecision(3)}</text><text x="2" y="${h - 18}" font-size="10">${lo.toPrecision(3)}</text>
    <text x="${pad}" y="${h - 4}" font-size="10">${x0}</text><text x="${w - 40}" y="${h - 4}" font-size="10">${xs[xs.length - 1]}</text>
    <path d="${path(ys)}" fill="none" stroke="#9bd" stroke-width="1"/>
    <path d="${path(smoothed)}" fill="none" stroke="#036" stroke-width="2"/></svg></div>`;
}

function render() {
  if (!detail) return;
  const s = detail.summary;
  document.getElementById("title").textContent = `Run ${s.name} (${s.model})`;
  document.getElementById("status").innerHTML = `<span class="status-${s.status}">${s.status}</span>`;
  document.getElementById("epoch").textContent = `${s.epoch} / ${s.lastEpoch}`;
  document.getElementById("iters").textContent = s.totalIters;
  document.body.dataset.totalIters = s.totalIters;
  document.body.dataset.points = detail.losses.length;
  document.body.dataset.updates = updates;
  const alpha = Number(smooth.value);
  document.getElementById("smooth-value").textContent = alpha.toFixed(2);
  const xs = detail.losses.map(p => p.totalIters);
  const names = detail.losses.length ? Object.keys(detail.losses[detail.losses.length - 1].values) : [];
  document.getElementById("charts").innerHTML = names.length === 0 ? "<p>no losses logged yet</p>" :
    names.map(n => chart(n, xs, detail.losses.map(p => p.values[n] ?? NaN), alpha)).join("");
  document.getElementById("visuals").innerHTML = detail.visuals.map(e => `<div><b>epoch ${e.epoch}</b><br>` +
    Object.entries(e.images).map(([k, url]) => `<figure><img src="${url}?v=${s.totalIters}" alt="${esc(k)}"><figcaption>${esc(k)}</figcaption></figure>`).join("") +
    "</div>").join("") || "<p>no visuals saved yet</p>";
}

async function load() {
  try {
    detail = await getJson(`/api/runs/${encodeURIComponent(name)}`);
    document.getElementById("error").textContent = "";
    render();
  } catch (e) { document.getElementById("error").textContent = e.message; }
}

smooth.addEventListener("input", render);
load().then(() => {
  const events = new EventSource(`/api/runs/${encodeURIComponent(name)}/events`);
  events.addEventListener("ready", () => { document.getElementById("live").textContent = "live"; load(); });
  events.addEventListener("change", () => { updates++; load(); });
  events.onerror = () => { document.getElementById("live").textContent = "reconnecting…"; };
});

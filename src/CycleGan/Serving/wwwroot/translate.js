// Pick a run, generator and epoch; an image dropped or chosen is posted to /api/translate and shown beside its input.
header("Translate");
let runs = [];
const $ = id => document.getElementById(id);

function fill(select, values) {
  select.innerHTML = values.map(v => `<option value="${esc(v)}">${esc(v)}</option>`).join("");
}
function pickRun() {
  const r = runs.find(r => r.name === $("run").value);
  fill($("net"), r ? Object.keys(r.checkpoints) : []);
  pickNet();
}
function pickNet() {
  const r = runs.find(r => r.name === $("run").value);
  fill($("epoch"), r && r.checkpoints[$("net").value] ? r.checkpoints[$("net").value] : []);
}

async function translate(file) {
  $("error").textContent = "";
  $("output").removeAttribute("src");
  $("input").src = URL.createObjectURL(file);
  $("state").textContent = "translating…";
  document.body.dataset.state = "busy";
  const q = new URLSearchParams({ run: $("run").value, net: $("net").value, epoch: $("epoch").value });
  try {
    const r = await fetch(`/api/translate?${q}`, { method: "POST", headers: { "Content-Type": file.type || "application/octet-stream" }, body: file });
    if (!r.ok) throw new Error((await r.json().catch(() => ({ error: r.statusText }))).error);
    const url = URL.createObjectURL(await r.blob());
    $("output").onload = () => { document.body.dataset.state = "done"; };
    $("output").src = url;
    $("download").href = url;
    $("state").textContent = `${$("run").value} ${$("net").value} (${$("epoch").value})`;
  } catch (e) {
    $("error").textContent = e.message;
    $("state").textContent = "";
    document.body.dataset.state = "error";
  }
}

$("run").addEventListener("change", pickRun);
$("net").addEventListener("change", pickNet);
$("file").addEventListener("change", () => { if ($("file").files.length) translate($("file").files[0]); });
const drop = $("drop");
drop.addEventListener("dragover", e => e.preventDefault());
drop.addEventListener("drop", e => { e.preventDefault(); if (e.dataTransfer.files.length) translate(e.dataTransfer.files[0]); });

getJson("/api/runs").then(all => {
  runs = all.filter(r => Object.keys(r.checkpoints).length > 0);
  fill($("run"), runs.map(r => r.name));
  const wanted = new URLSearchParams(location.search).get("run");
  if (wanted && runs.some(r => r.name === wanted)) $("run").value = wanted;
  pickRun();
  document.body.dataset.state = "ready";
}).catch(e => { $("error").textContent = e.message; });

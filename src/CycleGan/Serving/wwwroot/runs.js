header("Runs");
async function load() {
  try {
    const runs = await getJson("/api/runs");
    document.querySelector("#runs tbody").innerHTML = runs.length === 0 ? '<tr><td colspan="8">no runs yet</td></tr>' :
      runs.map(r => `<tr><td><a href="/run?name=${encodeURIComponent(r.name)}">${esc(r.name)}</a></td><td>${esc(r.model)}</td>
        <td>${r.epoch} / ${r.lastEpoch}</td><td>${r.totalIters}</td>
        <td>${Object.entries(r.losses).map(([k, v]) => `${esc(k)} ${fmt(v)}`).join(", ")}</td>
        <td class="status-${r.status}">${r.status}</td><td>${new Date(r.updatedUtc).toLocaleString()}</td>
        <td>${Object.keys(r.checkpoints).length ? `<a href="/translate?run=${encodeURIComponent(r.name)}">translate</a>` : ""}</td></tr>`).join("");
  } catch (e) { document.getElementById("error").textContent = e.message; }
}
load();
setInterval(load, 5000);

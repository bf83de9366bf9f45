// Shared by every page: the header, fetch helpers that turn a JSON error into a message.
function header(active) {
  const links = [["/", "Runs"], ["/translate", "Translate"], ["/study", "Perceptual study"], ["/study/summary", "Study summary"]];
  const h = document.createElement("header");
  h.innerHTML = "<b>cyclegan serve</b>" + links.map(([href, text]) =>
    `<a href="${href}"${text === active ? ' class="active"' : ""}>${text}</a>`).join("");
  document.body.prepend(h);
}
async function getJson(url) {
  const r = await fetch(url);
  if (!r.ok) throw new Error((await r.json().catch(() => ({ error: r.statusText }))).error);
  return r.json();
}
async function postJson(url, body) {
  const r = await fetch(url, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
  if (!r.ok) throw new Error((await r.json().catch(() => ({ error: r.statusText }))).error);
  return r.json();
}
function esc(s) {
  return String(s).replace(/[&<>"']/g, c => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}
function fmt(v) { return typeof v === "number" ? v.toFixed(3) : ""; }

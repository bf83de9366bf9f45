// One participant's session: join (or resume from this browser's stored id), then each trial: both images shown for
// the configured time, hidden, then the answer; practice trials get feedback. Progress lives on the server.
header("Perceptual study");
const $ = id => document.getElementById(id);
const KEY = "cyclegan-study-participant";
let next = null;
let shownAt = 0;

function state(s) { document.body.dataset.state = s; }
function show(section) { for (const id of ["join", "trial", "done"]) $(id).hidden = id !== section; }
function loaded(img) { return img.complete && img.naturalWidth > 0 ? Promise.resolve() : new Promise((ok, fail) => { img.onload = ok; img.onerror = fail; }); }

async function run(n) {
  next = n;
  localStorage.setItem(KEY, n.participant);
  if (n.done) { show("done"); state("done"); return; }
  show("trial");
  state("loading");
  document.body.dataset.trial = n.index;
  const scored = n.total - n.practiceCount;
  $("progress").textContent = n.practice ? `Practice trial ${n.index + 1} of ${n.practiceCount}` : `Trial ${n.index - n.practiceCount + 1} of ${scored}`;
  $("feedback").textContent = "";
  $("feedback").className = "";
  $("prompt").textContent = "";
  for (const side of ["left", "right"]) {
    $(side).style.visibility = "hidden";
    $(side).src = `/api/study/participants/${n.participant}/trials/${n.index}/${side}.png`;
    $(`choose-${side}`).disabled = true;
  }
  await Promise.all([loaded($("left")), loaded($("right"))]);
  for (const side of ["left", "right"]) $(side).style.visibility = "visible";
  state("showing");
  await new Promise(ok => setTimeout(ok, n.seconds * 1000));
  for (const side of ["left", "right"]) { $(side).style.visibility = "hidden"; $(`choose-${side}`).disabled = false; }
  $("prompt").textContent = "Which one was real?";
  shownAt = performance.now();
  state("choose");
}

async function answer(choice) {
  for (const side of ["left", "right"]) $(`choose-${side}`).disabled = true;
  state("saving");
  try {
    const r = await postJson(`/api/study/participants/${next.participant}/answers`,
      { index: next.index, choice, ms: Math.round(performance.now() - shownAt) });
    if (r.correct !== null) {
      $("feedback").textContent = r.correct ? "Right: that was the real one." : "Wrong: that one was generated.";
      $("feedback").className = r.correct ? "feedback-right" : "feedback-wrong";
      state("feedback");
      await new Promise(ok => setTimeout(ok, 1000));
    }
    await run(r.next);
  } catch (e) { $("error").textContent = e.message; state("error"); }
}

$("choose-left").addEventListener("click", () => answer("left"));
$("choose-right").addEventListener("click", () => answer("right"));
$("start").addEventListener("click", async () => {
  try { await run(await postJson("/api/study/participants", { name: $("name").value })); }
  catch (e) { $("error").textContent = e.message; }
});

(async () => {
  try { await getJson("/api/study"); }
  catch (e) { $("error").textContent = e.message; state("none"); return; }
  const id = new URLSearchParams(location.search).get("p") || localStorage.getItem(KEY);
  if (id) {
    try { await run(await getJson(`/api/study/participants/${encodeURIComponent(id)}`)); return; }
    catch { localStorage.removeItem(KEY); }
  }
  show("join");
  state("join");
})();

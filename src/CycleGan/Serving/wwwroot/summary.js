// Per method: the share of scored trials in which the generated image was taken for the real one, ± the binomial
// standard error, as in the paper's Table 1.
header("Study summary");
getJson("/api/study/summary").then(s => {
  document.getElementById("totals").textContent =
    `real vs generated ${s.side} images · ${s.participants} participant(s), ${s.finished} finished · ${s.answers} answer(s) (practice included)`;
  document.querySelector("#methods tbody").innerHTML = s.methods.map(m => `<tr data-method="${esc(m.method)}"><td>${esc(m.method)}</td>
    <td class="percent">${m.percent.toFixed(1)}% ± ${m.standardError.toFixed(1)}%</td><td>${m.choseFake} chosen of ${m.trials}</td>
    <td>${m.participants}</td></tr>`).join("");
}).catch(e => { document.getElementById("error").textContent = e.message; });

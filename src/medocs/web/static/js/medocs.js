// The live deadlines panel and GOV.UK Frontend's components. Without JavaScript the form's
// "Check dates" button shows the same panel.
import { initAll } from "/static/govuk/govuk-frontend.min.js";

// What GOV.UK's page template does with an inline script (which the CSP forbids here).
document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();

const form = document.getElementById("case-form");
const panel = document.getElementById("deadlines");
if (form && panel) {
  const watched = new Set(form.dataset.timeline.split(" ").filter(Boolean));
  let timer = null;
  let asked = 0;
  const refresh = async () => {
    const number = ++asked;
    const response = await fetch(form.dataset.deadlines, {
      method: "POST", body: new FormData(form), credentials: "same-origin",
    });
    if (!response.ok || number !== asked) return;
    const answer = await response.json();
    panel.innerHTML = answer.html;
  };
  const changed = (event) => {
    if (!watched.has(event.target.name)) return;
    clearTimeout(timer);
    timer = setTimeout(refresh, 250);
  };
  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
}

// A running batch's page reloads itself until the batch ends.
const refreshing = document.querySelector("[data-refresh]");
if (refreshing) {
  setTimeout(() => window.location.reload(), Number(refreshing.dataset.refresh) * 1000);
}

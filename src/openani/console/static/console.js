// openani console: the little JavaScript the pages use. Everything works without it.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  // Filters apply as soon as a list is changed.
  for (const select of document.querySelectorAll("form.filters select")) {
    select.addEventListener("change", () => select.form.requestSubmit());
  }
  // Resting a number takes it out of rotation for days: ask first.
  for (const button of document.querySelectorAll('button[data-action="rest"]')) {
    button.addEventListener("click", (event) => {
      if (!window.confirm(`Rest ${button.dataset.number}? It leaves rotation for the company's rest days.`)) {
        event.preventDefault();
      }
    });
  }
});

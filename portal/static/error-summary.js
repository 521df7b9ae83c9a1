// The error summary (templates/_macros.html, error_summary). Without this
// file the summary is focused by its autofocus and its links still move
// focus to the fields; with it, a browser that skipped autofocus focuses it
// too, and a link brings the field's question (label or legend) into view
// with the input, instead of scrolling the input to the very top with its
// question hidden above it.
(function () {
  "use strict";

  var summary = document.querySelector("[data-error-summary]");
  if (!summary) { return; }
  if (!document.activeElement || document.activeElement === document.body) {
    summary.focus();
  }

  function questionOf(input) {
    var group = input.closest("fieldset.choices");
    if (group && group.querySelector("legend")) { return group.querySelector("legend"); }
    if (input.labels && input.labels.length) { return input.labels[0]; }
    return input;
  }

  summary.addEventListener("click", function (ev) {
    var link = ev.target.closest && ev.target.closest("a[href^='#']");
    if (!link) { return; }
    var input = document.getElementById(link.getAttribute("href").slice(1));
    if (!input) { return; }
    ev.preventDefault();
    questionOf(input).scrollIntoView();
    input.focus({ preventScroll: true });
    if (window.history && window.history.replaceState) {
      window.history.replaceState(null, "", link.getAttribute("href"));
    }
  });
})();

// The amount to pay on a form with a summary (data-order-total): as the
// quantities (data-order-qty) change, ask the server for the amounts again
// and show its table. Nothing is computed here; without JavaScript the
// form's review button does the same.
document.addEventListener("DOMContentLoaded", function () {
  var box = document.querySelector("[data-order-total]");
  if (!box || !window.fetch) { return; }
  var form = box.closest("form");
  var inputs = form.querySelectorAll("[data-order-qty]");
  var timer = null;
  var asked = 0;
  function refresh() {
    var query = new URLSearchParams();
    inputs.forEach(function (input) { query.append(input.name, input.value); });
    var mine = ++asked;
    fetch(box.dataset.url + "?" + query.toString(), {credentials: "same-origin"})
      // A lapsed sign-in answers with the login page (after a redirect): not an amount.
      .then(function (response) {
        return response.ok && !response.redirected ? response.text() : null;
      })
      .then(function (html) {
        if (html !== null && mine === asked) { box.innerHTML = html; }
      })
      .catch(function () { /* the review button still works */ });
  }
  inputs.forEach(function (input) {
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(refresh, 250);
    });
  });
});

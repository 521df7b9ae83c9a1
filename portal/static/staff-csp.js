// What Flask-Admin's templates did with onclick="" and javascript: links,
// done here because the Content-Security-Policy runs no inline script.
document.addEventListener("click", function (event) {
  var link = event.target.closest("a[href='#'], a[href^='javascript:']");
  if (link) event.preventDefault();
  var action = event.target.closest("a[data-action]");
  if (action && window.modelActions) window.modelActions.execute(action.dataset.action);
  var add = event.target.closest("[data-inline-add]");
  if (add && window.faForm) window.faForm.addInlineField(add, add.dataset.inlineAdd);
}, true);  // capture: Bootstrap's menus stop the click before it bubbles up
document.addEventListener("submit", function (event) {
  var button = event.submitter;
  var ask = (button && button.dataset.confirm) || event.target.dataset.confirm;
  if (ask && !window.confirm(ask)) event.preventDefault();
});

// The robot check in the browser (portal/identity/captcha.py). The ALTCHA
// widget proves work when the form is sent, so nobody has to read digits;
// where it cannot run (no module scripts, no Web Crypto outside HTTPS, a
// failed challenge) the picture from the form's <template> takes its place.
// The "other numbers" button reloads only the image: a page reload would
// wipe what the person has already typed.
(function () {
  "use strict";

  function showPicture(box) {
    if (box.querySelector("[data-captcha-image]")) { return; }
    var template = box.querySelector("template[data-robot-picture]");
    var widget = box.querySelector("altcha-widget");
    // Gone from the form, it no longer holds the submit back for its proof.
    if (widget) { widget.remove(); }
    if (template) { box.appendChild(template.content.cloneNode(true)); }
  }

  function widgetCanRun() {
    return Boolean(window.$altcha && window.customElements &&
                   window.customElements.get("altcha-widget") && window.isSecureContext &&
                   window.crypto && window.crypto.subtle && window.Worker);
  }

  function setUp(box) {
    var widget = box.querySelector("altcha-widget");
    if (!widget || !widgetCanRun() || box.dataset.picture === "shown") {
      showPicture(box);
      return;
    }
    var workerUrl = box.dataset.worker;
    window.$altcha.algorithms.set("PBKDF2/SHA-256", function () {
      return new Worker(workerUrl);
    });
    // The words come from the portal's catalogue, in the page's language.
    window.$altcha.i18n.set(box.dataset.language, JSON.parse(box.dataset.strings));
    widget.addEventListener("statechange", function (ev) {
      if (ev.detail && ev.detail.state === "error") { showPicture(box); }
    });
    // A proof found long before sending has run out: find a new one on send.
    widget.addEventListener("expired", function () { widget.reset(); });
    // A second press while the proof is being found would send the form
    // without it (the widget holds back only the first); the widget sends
    // the form itself once it is done.
    var form = box.closest("form");
    if (form) {
      form.addEventListener("submit", function (ev) {
        if (widget.isConnected && widget.getState && widget.getState() === "verifying") {
          ev.preventDefault();
        }
      });
    }
  }

  document.addEventListener("click", function (ev) {
    var button = ev.target.closest && ev.target.closest("[data-captcha-refresh]");
    if (!button) { return; }
    var box = button.closest("[data-robot-check]");
    var image = box.querySelector("[data-captcha-image]");
    var answer = box.querySelector('input[name="captcha"]');
    image.src = image.src.split("?")[0] + "?" + Date.now();
    if (answer) { answer.value = ""; answer.focus(); }
  });

  Array.prototype.forEach.call(document.querySelectorAll("[data-robot-check]"), setUp);
}());

// "Use my location": fills the inputs marked data-geo="lat" / "lon" from the
// phone's position. No map tiles, nothing fetched from the internet. Each
// button fills the inputs of its own [data-geo-group] (a LocationField: a
// form may have several), else the page's (the tambon forms).
(function () {
  if (window.portalGeo) { return; }  // each location field loads it: set up once
  window.portalGeo = true;
  document.addEventListener("DOMContentLoaded", function () {
    if (!navigator.geolocation) { return; }
    var buttons = document.querySelectorAll("[data-geo-button]");
    Array.prototype.forEach.call(buttons, function (button) {
      var scope = (button.closest && button.closest("[data-geo-group]")) || document;
      var status = scope.querySelector("[data-geo-status]");
      button.hidden = false;
      button.addEventListener("click", function () {
        navigator.geolocation.getCurrentPosition(function (pos) {
          scope.querySelector('[data-geo="lat"]').value = pos.coords.latitude.toFixed(6);
          scope.querySelector('[data-geo="lon"]').value = pos.coords.longitude.toFixed(6);
          if (status) { status.textContent = button.dataset.done; }
        }, function () {
          if (status) { status.textContent = button.dataset.failed; }
        }, {enableHighAccuracy: true, timeout: 15000});
      });
    });
  });
})();

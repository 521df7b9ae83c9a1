// "Use my location": fills the inputs marked data-geo="lat" / "lon" from the
// phone's position. No map tiles, nothing fetched from the internet.
document.addEventListener("DOMContentLoaded", function () {
  var button = document.querySelector("[data-geo-button]");
  if (!button || !navigator.geolocation) { return; }
  button.hidden = false;
  button.addEventListener("click", function () {
    var status = document.querySelector("[data-geo-status]");
    navigator.geolocation.getCurrentPosition(function (pos) {
      document.querySelector('[data-geo="lat"]').value = pos.coords.latitude.toFixed(6);
      document.querySelector('[data-geo="lon"]').value = pos.coords.longitude.toFixed(6);
      if (status) { status.textContent = button.dataset.done; }
    }, function () {
      if (status) { status.textContent = button.dataset.failed; }
    }, {enableHighAccuracy: true, timeout: 15000});
  });
});

/* "Use my location": asks the browser once, then goes to /find?lat=…&lng=…. Nothing is stored. */
(function () {
  "use strict";
  var button = document.getElementById("find-here");
  var status = document.getElementById("find-status");
  if (!button || !("geolocation" in navigator)) return;
  button.hidden = false;
  button.addEventListener("click", function () {
    status.textContent = button.dataset.finding;
    navigator.geolocation.getCurrentPosition(function (position) {
      var lat = position.coords.latitude.toFixed(5), lng = position.coords.longitude.toFixed(5);
      window.location.assign(button.form.action + "?lat=" + lat + "&lng=" + lng);
    }, function () {
      status.textContent = button.dataset.refused;
    }, { maximumAge: 600000, timeout: 15000 });
  });
})();

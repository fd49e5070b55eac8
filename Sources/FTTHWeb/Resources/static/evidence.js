// The evidence form: fills the position from the phone's Geolocation API (the fields stay
// editable and work without this script), and refuses photos too large to send before they
// are sent (the server refuses them too, with 413).
(function () {
  "use strict";
  var form = document.getElementById("evidence-form");
  if (!form) return;
  var button = document.getElementById("evidence-locate");
  var status = document.getElementById("evidence-locate-status");
  var field = function (id) { return document.getElementById(id); };
  if (button && navigator.geolocation) {
    button.hidden = false;
    button.addEventListener("click", function () {
      status.textContent = button.getAttribute("data-locating");
      navigator.geolocation.getCurrentPosition(function (p) {
        field("evidence-latitude").value = p.coords.latitude.toFixed(6);
        field("evidence-longitude").value = p.coords.longitude.toFixed(6);
        field("evidence-accuracy").value = Math.round(p.coords.accuracy);
        status.textContent = button.getAttribute("data-located");
      }, function () {
        status.textContent = button.getAttribute("data-failed");
      }, { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 });
    });
  }
  var photos = field("evidence-photo");
  var limit = parseInt(form.getAttribute("data-limit") || "0", 10);
  form.addEventListener("submit", function (event) {
    if (!photos || !photos.files || !limit) return;
    var total = 0;
    for (var i = 0; i < photos.files.length; i++) total += photos.files[i].size;
    if (total > limit) {
      event.preventDefault();
      var error = field("evidence-error");
      if (!error) {
        error = document.createElement("p");
        error.className = "error";
        error.id = "evidence-error";
        error.setAttribute("role", "alert");
        photos.parentNode.insertBefore(error, photos);
      }
      error.textContent = form.getAttribute("data-limit-text");
      photos.focus();
    }
  });
})();

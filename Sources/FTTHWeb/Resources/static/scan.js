// Scans a splitter's label (QR code or barcode) with the camera where the browser has
// BarcodeDetector; elsewhere the button stays hidden and the crew types the label. What is
// read goes into the label field and the form is sent, as if typed.
(function () {
  "use strict";
  var button = document.getElementById("scan");
  if (!button) return;
  var input = document.getElementById(button.getAttribute("data-for"));
  var video = document.getElementById("scan-video");
  var status = document.getElementById("scan-status");
  if (!input || !video || !("BarcodeDetector" in window) || !navigator.mediaDevices) return;
  var startText = button.textContent;
  var stream = null;
  var timer = null;
  var stop = function () {
    if (timer) { clearTimeout(timer); timer = null; }
    if (stream) { stream.getTracks().forEach(function (t) { t.stop(); }); stream = null; }
    video.hidden = true;
    button.textContent = startText;
  };
  button.hidden = false;
  button.addEventListener("click", function () {
    if (stream) { stop(); return; }
    var detector;
    try { detector = new window.BarcodeDetector(); } catch (e) {
      status.textContent = button.getAttribute("data-unsupported");
      return;
    }
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false })
      .then(function (s) {
        stream = s;
        video.srcObject = s;
        video.hidden = false;
        button.textContent = button.getAttribute("data-stop");
        return video.play();
      })
      .then(function () {
        var look = function () {
          if (!stream) return;
          detector.detect(video).then(function (codes) {
            var text = codes.length ? String(codes[0].rawValue || "").trim() : "";
            if (text) {
              stop();
              input.value = text;
              status.textContent = button.getAttribute("data-found") + " " + text;
              if (input.form) input.form.submit();
            } else {
              timer = setTimeout(look, 250);
            }
          }).catch(function () { timer = setTimeout(look, 500); });
        };
        look();
      })
      .catch(function () {
        stop();
        status.textContent = button.getAttribute("data-unsupported");
      });
  });
})();

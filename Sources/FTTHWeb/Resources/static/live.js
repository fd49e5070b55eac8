// Live progress of one port test over the daemon's server-sent events. The page stays the
// judge: each step updates the step line (in the page's language), and once the test ends the
// page is loaded again, so the verdict is the server's, rendered as it is without JavaScript.
(function () {
  "use strict";
  var section = document.getElementById("run");
  if (!section || section.getAttribute("data-active") !== "1") return;
  var id = encodeURIComponent(section.getAttribute("data-run"));
  var stepLine = document.getElementById("step");
  var ended = function (s) { return s === "finished" || s === "failed" || s === "cancelled"; };
  var show = function (s) {
    if (ended(s)) { source.close(); window.location.reload(); return; }
    var text = section.getAttribute("data-step-" + s);
    if (text && stepLine) stepLine.textContent = text;
  };
  var source = new EventSource("/runs/" + id + "/events");
  source.addEventListener("progress", function (event) {
    var data;
    try { data = JSON.parse(event.data); } catch (e) { return; }
    if (data.run && data.run.step) show(data.run.step);
  });
  // The test may have moved on between this page and the stream opening: ask once.
  source.addEventListener("open", function () {
    fetch("/runs/" + id + "/step", { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (d) { if (d && d.step) show(d.step); })
      .catch(function () {});
  });
})();

// Live progress of one port test over the daemon's server-sent events. The page stays the
// judge: each step updates the step line (in the page's language), the readings and the service
// test's phases fill in as they arrive, and once the test ends the page is loaded again, so the
// verdict is the server's, rendered as it is without JavaScript.
(function () {
  "use strict";
  var section = document.getElementById("run");
  if (!section || section.getAttribute("data-active") !== "1") return;
  var id = encodeURIComponent(section.getAttribute("data-run"));
  var stepLine = document.getElementById("step");
  var ended = function (s) { return s === "finished" || s === "failed" || s === "cancelled"; };
  // When the read's event ends the test, its readings stay a moment before the page reloads.
  var pause = 0;
  var show = function (s) {
    if (ended(s)) {
      source.close();
      setTimeout(function () { window.location.reload(); }, pause);
      return;
    }
    var text = section.getAttribute("data-step-" + s);
    if (text && stepLine) stepLine.textContent = text;
  };
  // The live view: the powers and attenuations as read, with when and how, and the service
  // test's state, phases and speeds, into the rows the page rendered (ids live-<key>).
  var setRow = function (key, text) {
    var row = document.getElementById("live-" + key);
    if (!row || text === null || text === undefined) return;
    var dd = row.getElementsByTagName("dd")[0];
    if (dd) dd.textContent = text;
    row.classList.remove("live-pending");
  };
  // `== null` is true for null and for a missing key alike: the measurement's absent values come
  // as null today, and a key left out must not throw (`undefined.toFixed`) and stop the page
  // following the test.
  var fixed = function (v, unit) { return v == null ? "—" : v.toFixed(2) + " " + unit; };
  var showReadings = function (r) {
    setRow("olt_tx", fixed(r.olt_tx_dbm, "dBm"));
    setRow("olt_rx", fixed(r.olt_rx_dbm, "dBm"));
    setRow("onu_tx", fixed(r.onu_tx_dbm, "dBm"));
    setRow("onu_rx", fixed(r.onu_rx_dbm, "dBm"));
    setRow("down_att", fixed(r.downstream_attenuation_db, "dB"));
    setRow("up_att", fixed(r.upstream_attenuation_db, "dB"));
    var live = document.getElementById("live");
    var when = document.getElementById("live-when");
    if (live && when) {
      var at = new Date(r.read_at);
      var lang = document.documentElement.lang || undefined;
      when.textContent = live.getAttribute("data-read-at") + " " + at.toLocaleTimeString(lang) + " · " +
        r.transport.toUpperCase() + " · " + r.source;
    }
  };
  var showService = function (data) {
    var box = document.getElementById("live-service");
    var state = document.getElementById("live-service-state");
    if (!box || !state) return;
    box.hidden = false;
    var text = null;
    if (data.service_verdict) {
      text = box.getAttribute("data-judged") + ": " + box.getAttribute("data-" + data.service_verdict);
    } else if (data.service_progress && box.getAttribute("data-" + data.service_progress.stage)) {
      // The probe reports as it goes: session up (its phases), then the download measured.
      text = box.getAttribute("data-" + data.service_progress.stage);
    } else if (data.service_state) {
      text = box.getAttribute("data-" + data.service_state);
    }
    if (text) (state.firstElementChild || state).textContent = text;
    // The result's measurement, or what the probe has reported so far (the same keys).
    var m = data.service_measurement || data.service_progress;
    if (!m) return;
    var ms = function (v) { return v == null ? "—" : v + " ms"; };
    var mbps = function (v) { return v == null ? "—" : v.toFixed(1) + " Mbit/s"; };
    var p = m.phases || {};
    setRow("padi_pado", ms(p.padi_pado_ms));
    setRow("padr_pads", ms(p.padr_pads_ms));
    setRow("lcp", ms(p.lcp_ms));
    setRow("auth", ms(p.auth_ms));
    setRow("ipcp", ms(p.ipcp_ms));
    setRow("total", ms(p.total_ms));
    setRow("down", mbps(m.down_mbps));
    setRow("up", mbps(m.up_mbps));
  };
  var source = new EventSource("/runs/" + id + "/events");
  source.addEventListener("progress", function (event) {
    var data;
    try { data = JSON.parse(event.data); } catch (e) { return; }
    if (data.readings) { showReadings(data.readings); pause = 1500; }
    if (data.service_state || data.service_verdict) showService(data);
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

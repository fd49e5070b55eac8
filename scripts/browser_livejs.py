"""live.js against the events the API sends, in Chromium, without a running test: the page's
script gets a stand-in EventSource and the rows a live page renders, then
- the probe's progress as ProgressEventResponse encodes it (`service_progress`: the session up
  with its phases, then the download measured): the state line and the rows must follow it;
- the final event of a service test whose dial failed (the measurement's missing values as null,
  one phase key left out, which live.js treats alike): the rows, the verdict, and the live view
  must end, so the page reloads to the server's verdict.
The demo's browser run has no service test (it needs a probe), so this is where the service half
of live.js is exercised. browser_test.py calls run().
"""

import ssl
import urllib.request

SETUP = r"""
document.body.insertAdjacentHTML('beforeend',
  '<section id="run" data-run="7" data-active="1" data-step-awaiting_service="waiting"><p id="step"></p></section>' +
  '<section id="live-service" hidden data-judged="Judged" data-fail="FAIL" data-pass="PASS"' +
  ' data-claimed="Dialling" data-up="Measuring down" data-down_measured="Measuring up">' +
  '<p id="live-service-state"><strong></strong></p><dl>' +
  ['padi_pado', 'padr_pads', 'lcp', 'auth', 'ipcp', 'total', 'down', 'up'].map(function (k) {
    return '<div id="live-' + k + '" class="live-pending"><dt>' + k + '</dt><dd>…</dd></div>';
  }).join('') + '</dl></section>');
window.__closed = false;
window.__errors = [];
window.addEventListener('error', function (e) { window.__errors.push(String(e.message)); });
window.EventSource = function () { this.listeners = {}; window.__source = this; };
window.EventSource.prototype.addEventListener = function (name, f) { this.listeners[name] = f; };
window.EventSource.prototype.close = function () { window.__closed = true; };
window.fetch = function () { return new Promise(function () {}); };
"""

UP_EVENT = """{"run":{"id":7,"step":"awaiting_service"},"service_state":"claimed",
"service_progress":{"stage":"up","phases":{"padi_pado_ms":12,"padr_pads_ms":9,"lcp_ms":40,"auth_ms":30,
"ipcp_ms":25,"total_ms":116},"ip":"100.64.0.7","down_mbps":null}}"""

DOWN_EVENT = """{"run":{"id":7,"step":"awaiting_service"},"service_state":"claimed",
"service_progress":{"stage":"down_measured","phases":{"padi_pado_ms":12,"padr_pads_ms":9,"lcp_ms":40,
"auth_ms":30,"ipcp_ms":25,"total_ms":116},"ip":"100.64.0.7","down_mbps":291.4}}"""

ROWS = (
    "return {closed: window.__closed, errors: window.__errors,"
    " state: document.getElementById('live-service-state').textContent,"
    " padi: document.querySelector('#live-padi_pado dd').textContent,"
    " lcp: document.querySelector('#live-lcp dd').textContent,"
    " total: document.querySelector('#live-total dd').textContent,"
    " down: document.querySelector('#live-down dd').textContent,"
    " up: document.querySelector('#live-up dd').textContent};")

FINAL_EVENT = """{"run":{"id":7,"step":"finished"},"service_verdict":"fail","service_reason":"auth_rejected",
"service_measurement":{"result":"fail","reason":{"code":"auth_rejected","message":"x"},
"phases":{"padi_pado_ms":12,"padr_pads_ms":9,"lcp_ms":null,"auth_ms":null,"ipcp_ms":null},
"ip":null,"dns":[],"mru":null,"mss":null,"down_mbps":null,"up_mbps":null,"rtt_ms":null,"server":null,
"measured_at":"2026-12-06T03:00:00Z"}}"""


def run(driver, base):
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    with urllib.request.urlopen(base + "/static/live.js", context=context) as response:
        script = response.read().decode("utf-8")
    driver.get(base + "/sign-in")
    driver.execute_script(SETUP)
    driver.execute_script(script)
    send = "try { window.__source.listeners.progress({data: arguments[0]}); } catch (e) { return 'threw: ' + e; }"
    up = driver.execute_script(send + ROWS, UP_EVENT)
    assert isinstance(up, dict), up
    assert up["state"] == "Measuring down" and up["lcp"] == "40 ms" and up["total"] == "116 ms", up
    assert up["down"] == "—" and not up["closed"], up
    down = driver.execute_script(send + ROWS, DOWN_EVENT)
    assert down["state"] == "Measuring up" and down["down"] == "291.4 Mbit/s" and down["up"] == "—", down
    print("live.js: the probe's progress (session up, then the download) shows as it arrives")
    result = driver.execute_script(send + ROWS, FINAL_EVENT)
    assert isinstance(result, dict), result
    assert result["padi"] == "12 ms" and result["lcp"] == "—" and result["down"] == "—", result
    assert result["total"] == "—", f"a phase key left out is shown as {result['total']!r}"
    assert result["state"] == "Judged: FAIL", result
    assert result["closed"], f"live.js kept following an ended test: {result}"
    print("live.js: a failed dial's final event (no speeds) is shown and ends the live view")

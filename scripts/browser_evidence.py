"""The crew's evidence in headless Chromium (called by browser_test.py after its flow, with the
administrator signed in, English pages): on the verdict page of the port test the flow ran,
attach a small JPEG (drawn by the browser on a canvas at test time) with the position from the
Geolocation API (emulated) and see it shown; an SVG upload is refused with the message. Then
port 4 is tested and its powers are seen arriving in the live view, with when and how they were
read, before the verdict. Screenshots at 360 px of the evidence form, the attached evidence and
the live readings.
"""

import base64
import os
import sys
import tempfile
import time

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC

# A photo the browser makes: 64x48 px, JPEG from a canvas (no file from outside the test).
MAKE_JPEG = """
const c = document.createElement('canvas'); c.width = 64; c.height = 48;
const g = c.getContext('2d');
g.fillStyle = '#1a7f37'; g.fillRect(0, 0, 64, 48);
g.fillStyle = '#ffd33d'; g.fillRect(8, 8, 20, 32);
return c.toDataURL('image/jpeg', 0.9).split(',')[1];
"""

SVG = (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
       b'<script>alert(1)</script></svg>')


def test_onts():
    """(splitter, port) → the serial of the test ONT olt-sim has waiting there (scripts/serve.sh)."""
    path = os.path.join(os.path.dirname(os.path.abspath(sys.argv[1])), "serve", "test-onts.tsv")
    table = {}
    for line in open(path).read().splitlines():
        fields = line.split("\t")
        if len(fields) >= 5 and fields[3].isdigit():
            table[(fields[2], int(fields[3]))] = fields[4]
    return table


def live_readings(driver, wait, base, shots, shoot):
    """Port 4's test: the powers arrive in the live view, with when and how, before the verdict."""
    serial = test_onts()[("GC2-B1-SP01", 4)]
    driver.get(base + "/projects/P2026-0412/splitters/GC2-B1-SP01")
    port = wait.until(EC.presence_of_element_located((By.ID, "port-4")))
    port.find_element(By.NAME, "serial").send_keys(serial)
    port.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait.until(EC.presence_of_element_located((By.ID, "live")))
    deadline = time.monotonic() + 60
    seen = None
    while time.monotonic() < deadline and not driver.find_elements(By.ID, "verdict"):
        try:
            onu_rx = driver.find_element(By.CSS_SELECTOR, "#live-onu_rx dd").text
            when = driver.find_element(By.ID, "live-when").text
        except Exception:
            onu_rx, when = "", ""
        if onu_rx.endswith("dBm") and ("SNMP" in when or "CLI" in when):
            seen = (onu_rx, when)
            shoot(driver, shots, "test-live-readings", 360)
            break
        time.sleep(0.05)
    assert seen, "the powers never showed in the live view before the verdict"
    print(f"live readings arrived: ONU rx {seen[0]}, {seen[1]}")
    wait.until(EC.presence_of_element_located((By.ID, "verdict")))


def run(driver, wait, base, links, shots, shoot):
    work = tempfile.mkdtemp(prefix="ftth-evidence-")
    # The label's scan control is offered only where the browser can read codes; elsewhere the
    # label is typed (headless Chromium on Linux has no BarcodeDetector).
    driver.get(base + "/projects/P2026-0412")
    wait.until(EC.presence_of_element_located((By.ID, "label")))
    detector, hidden = driver.execute_script(
        "return ['BarcodeDetector' in window, document.getElementById('scan').hidden]")
    assert hidden == (not detector), (detector, hidden)
    print(f"scan control: BarcodeDetector {'present, offered' if detector else 'absent, hidden: the label is typed'}")
    # The port test the flow ran: port 3 of GC2-B1-SP01, its last run.
    driver.get(base + "/projects/P2026-0412/splitters/GC2-B1-SP01")
    port = wait.until(EC.presence_of_element_located((By.ID, "port-3")))
    port.find_element(By.CSS_SELECTOR, "a[href^='/runs/']").click()
    form = wait.until(EC.presence_of_element_located((By.ID, "evidence-form")))
    run_url = driver.current_url.split("#")[0]

    jpeg = os.path.join(work, "splitter-port.jpg")
    with open(jpeg, "wb") as f:
        f.write(base64.b64decode(driver.execute_script(MAKE_JPEG)))
    svg = os.path.join(work, "photo.jpg.svg")
    with open(svg, "wb") as f:
        f.write(SVG)

    # An SVG (named like a photo) is refused with the message, and nothing is shown.
    form.find_element(By.ID, "evidence-photo").send_keys(svg)
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    error = wait.until(EC.presence_of_element_located((By.ID, "evidence-error")))
    assert "not a photo" in error.text, error.text
    assert error.get_attribute("role") == "alert"
    assert not driver.find_elements(By.CSS_SELECTOR, ".evidence-photos img")
    print(f"SVG upload refused: {error.text!r}")
    shoot(driver, shots, "evidence-refused", 360)

    # The phone's position, from the Geolocation API (emulated here), fills the fields.
    driver.get(run_url)
    origin = base.rstrip("/")
    driver.execute_cdp_cmd("Browser.grantPermissions", {"origin": origin, "permissions": ["geolocation"]})
    driver.execute_cdp_cmd(
        "Emulation.setGeolocationOverride", {"latitude": 31.2304, "longitude": 121.4737, "accuracy": 9})
    locate = wait.until(EC.visibility_of_element_located((By.ID, "evidence-locate")))
    locate.click()
    wait.until(lambda d: d.find_element(By.ID, "evidence-latitude").get_attribute("value") != "")
    assert driver.find_element(By.ID, "evidence-longitude").get_attribute("value") == "121.473700"
    shoot(driver, shots, "evidence-form", 360)

    driver.find_element(By.ID, "evidence-photo").send_keys(jpeg)
    driver.find_element(By.CSS_SELECTOR, "#evidence-form button[type=submit]").click()
    image = wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "#evidence .evidence-photos img")))
    wait.until(lambda d: d.execute_script("return arguments[0].complete && arguments[0].naturalWidth", image) == 64)
    text = driver.find_element(By.ID, "evidence").text
    assert "31.230400, 121.473700 (±9 m)" in text, text
    print(f"photo attached and shown ({image.get_attribute('src')}), position {[l for l in text.splitlines() if '±' in l]}")
    driver.execute_script("window.scrollTo(0, 0)")
    shoot(driver, shots, "evidence", 360)

    live_readings(driver, wait, base, shots, shoot)

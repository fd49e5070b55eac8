"""The crew's pages with JavaScript switched off (issue 14, point 10): a second Chromium whose
pages run no script signs in with a one-time link, finds a splitter by its typed label, starts a
port's test with the form, follows it by the page refreshing itself (a <noscript> refresh) to the
verdict, and signs out: every form posts and every page works without a script; only the live
updates and the camera need one. browser_test.py calls run() with a fresh sign-in link for crew-1.
"""

import time

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

import browser_admin

PROJECT = "P2026-0412"
SPLITTER = "GC2-B1-SP01"
PORT = 7


def run(make_browser, base, link, links, shots, shoot):
    driver = make_browser(javascript=False)
    wait = WebDriverWait(driver, 30)
    try:
        driver.get(link)
        driver.find_element(By.CSS_SELECTOR, "form[action='/code'] button").click()
        wait.until(EC.url_to_be(base + "/projects"))
        driver.find_element(By.PARTIAL_LINK_TEXT, PROJECT).click()
        label = wait.until(EC.presence_of_element_located((By.ID, "label")))
        label.send_keys(SPLITTER.lower())
        label.submit()
        item = wait.until(EC.presence_of_element_located((By.ID, f"port-{PORT}")))
        serial = browser_admin.serial_of(links["onts"].strip(), SPLITTER, PORT)
        item.find_element(By.NAME, "serial").send_keys(serial)
        item.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        wait.until(EC.presence_of_element_located((By.ID, "run")))
        run_url = driver.current_url
        assert "/runs/" in run_url, run_url
        # No script: the page reloads itself every few seconds until the verdict is there.
        deadline = time.monotonic() + 90
        verdict = None
        while time.monotonic() < deadline and verdict is None:
            found = driver.find_elements(By.ID, "verdict")
            verdict = found[0].text if found else None
            time.sleep(0.5)
        assert verdict in ("合格", "不合格"), f"no verdict without JavaScript within 90 s (last: {verdict!r})"
        print(f"without JavaScript: {PROJECT} {SPLITTER} port {PORT} tested by the form, verdict {verdict!r} "
              "reached by the page refreshing itself")
        shoot(driver, shots, "verdict-nojs", 360)
        driver.find_element(By.CSS_SELECTOR, "form.signout button").click()
        wait.until(EC.url_to_be(base + "/sign-in"))
        print("without JavaScript: signed out by the form")
    finally:
        driver.quit()

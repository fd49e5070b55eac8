"""The administrator's pages in headless Chromium (scripts/browser_test.py calls run() after its
own flow, with the administrator admin-1 signed in, English pages). The administrator tests the
one port of project P2026-0499 (scripts/browser-admin-project.csv, imported by
scripts/browser-tests.sh) so that it awaits review, approves it, sends project P2026-0412 (being
tested since the crew's test) back for rework with a reason, opens the activation list filtered,
a port's page and a threshold profile; screenshots of the admin home, activation list, a port page
and the thresholds at 1280 and 360 px wide.
"""

import ssl
import time
import urllib.parse
import urllib.request

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC

APPROVE_PROJECT = "P2026-0499"
APPROVE_SPLITTER = "花园苑2期3号楼分光器"
SEND_BACK_PROJECT = "P2026-0412"


def serial_of(onts_file, splitter, port):
    for line in open(onts_file, encoding="utf-8").read().splitlines():
        fields = line.split("\t")
        if len(fields) >= 5 and fields[2] == splitter and fields[3] == str(port):
            return fields[4]
    raise AssertionError(f"no test ONT in {splitter} port {port} in {onts_file}")


def test_port(driver, wait, base, project, splitter, port, serial):
    """Starts the port's test on its splitter page and waits for the verdict (at most 60 s)."""
    driver.get(f"{base}/projects/{project}/splitters/{urllib.parse.quote(splitter)}")
    item = wait.until(EC.presence_of_element_located((By.ID, f"port-{port}")))
    item.find_element(By.NAME, "serial").send_keys(serial)
    item.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait.until(EC.presence_of_element_located((By.ID, "run")))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        found = driver.find_elements(By.ID, "verdict")
        if found:
            return found[0].text
        time.sleep(0.2)
    raise AssertionError(f"no verdict for {project} / {splitter} / port {port} within 60 s")


def both_widths(driver, shots, shoot, name):
    shoot(driver, shots, name, 1280)
    shoot(driver, shots, name, 360)


def run(driver, wait, base, links, shots, shoot):
    # The one port of the review project is tested; the project then awaits review.
    serial = serial_of(links["onts"].strip(), APPROVE_SPLITTER, 1)
    verdict = test_port(driver, wait, base, APPROVE_PROJECT, APPROVE_SPLITTER, 1, serial)
    assert verdict == "PASS", verdict
    print(f"admin: {APPROVE_PROJECT} port 1 tested: {verdict}")

    # The administrator's home, reached from the bar's link; the project's progress shown.
    driver.get(base + "/projects")
    driver.find_element(By.CSS_SELECTOR, "header.bar a.admin-link").click()
    wait.until(EC.url_to_be(base + "/admin"))
    assert driver.find_element(By.TAG_NAME, "h1").text == "Projects under review"
    row = driver.find_element(By.XPATH, f"//tr[th/a[text()='{APPROVE_PROJECT}']]")
    assert "Awaiting review" in row.text, row.text
    assert "Admin review <demo>" in row.text, row.text
    both_widths(driver, shots, shoot, "admin-home")

    # Approve it: the page says so and shows the new state.
    row.find_element(By.LINK_TEXT, APPROVE_PROJECT).click()
    wait.until(EC.presence_of_element_located((By.ID, "approve"))).click()
    # The page before the post has the same element: wait for the answer's words, not for it.
    wait.until(EC.text_to_be_present_in_element((By.ID, "project-state"), "Accepted"))
    wait.until(EC.text_to_be_present_in_element((By.CLASS_NAME, "done"), "approved"))
    print(f"admin: {APPROVE_PROJECT} approved")

    # Send the crew's project back: an empty reason is refused by the browser (required) and by
    # the server; then a reason, kept in the project's history.
    driver.get(f"{base}/admin/projects/{SEND_BACK_PROJECT}")
    reason = wait.until(EC.presence_of_element_located((By.ID, "reason")))
    assert reason.get_attribute("required") is not None
    reason.send_keys("Splitter GC2-B1-SP02: clean the connectors of ports 5-8, then re-test.")
    driver.find_element(By.ID, "send-back").click()
    wait.until(EC.text_to_be_present_in_element((By.ID, "project-state"), "Rework"))
    history = driver.find_element(By.CLASS_NAME, "history").text
    assert "clean the connectors of ports 5-8" in history, history
    print(f"admin: {SEND_BACK_PROJECT} sent back for rework")

    # Its activation list, filtered to one splitter by the form (no script needed).
    driver.find_element(By.LINK_TEXT, "Activation list").click()
    wait.until(EC.presence_of_element_located((By.ID, "splitter")))
    driver.find_element(By.CSS_SELECTOR, "#splitter option[value='GC2-B1-SP01']").click()
    driver.find_element(By.CSS_SELECTOR, "form.filters button").click()
    wait.until(EC.url_contains("splitter=GC2-B1-SP01"))
    rows = driver.find_elements(By.CSS_SELECTOR, "table.admin-table tbody tr")
    assert len(rows) == 8, len(rows)
    both_widths(driver, shots, shoot, "admin-ports")

    # The port the crew tested: its result and history, with who did what.
    driver.find_element(By.CSS_SELECTOR, "a[href$='/ports/GC2-B1-SP01/3']").click()
    wait.until(EC.presence_of_element_located((By.CLASS_NAME, "result")))
    history = driver.find_element(By.CLASS_NAME, "history").text
    assert "test_started · crew-1" in history, history  # who started the crew's test
    both_widths(driver, shots, shoot, "admin-port")

    # The threshold profiles and one profile's form with its audit trail.
    driver.get(base + "/admin/thresholds")
    wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "a[href='/admin/thresholds/build']")))
    both_widths(driver, shots, shoot, "admin-thresholds")
    driver.get(base + "/admin/thresholds/build")
    wait.until(EC.presence_of_element_located((By.ID, "save")))
    both_widths(driver, shots, shoot, "admin-threshold")

    # An API token for an integration, made in the browser: its secret, shown once, opens the API.
    driver.get(base + "/admin/tokens")
    driver.find_element(By.ID, "token-name").send_keys("inventory-browser")
    driver.find_element(By.CSS_SELECTOR, "#token-role option[value='integration']").click()
    driver.find_element(By.CSS_SELECTOR, "form[action='/admin/tokens'] button[type=submit]").click()
    secret = wait.until(EC.presence_of_element_located((By.ID, "token-secret"))).text
    shoot(driver, shots, "admin-token-created", 1280)
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    request = urllib.request.Request(base + "/v1/projects", headers={"Authorization": f"Bearer {secret}"})
    with urllib.request.urlopen(request, context=context) as response:
        assert response.status == 200, response.status
    driver.get(base + "/admin/tokens")
    assert secret not in driver.page_source, "the secret is shown again"
    print("admin: an API token made in the browser opens GET /v1/projects; its secret is shown once")
    print("admin browser tests passed")

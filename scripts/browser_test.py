"""The web pages in headless Chromium, driven by Selenium (scripts/browser-tests.sh starts the
daemon and olt-sim and passes the links). A crew member signs in with a one-time link, finds a
splitter by its label, tests a port against olt-sim and sees the verdict arrive live (the page is
not reloaded by this script); a crew session is refused an administrator's page; screenshots at
360 px and 1280 px wide go to the directory given.

Usage: browser_test.py LINKS_FILE SCREENSHOT_DIR SERIAL
"""

import http.cookiejar
import os
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request

import browser_a11y
import browser_evidence
import browser_livejs
import browser_nojs
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait


def browser(javascript=True):
    options = webdriver.ChromeOptions()
    if not javascript:
        # Pages run no script at all: what a phone with JavaScript off (or a script blocked) gets.
        options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    options.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    for argument in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--lang=zh-CN", "--window-size=360,800"]:
        options.add_argument(argument)
    # The daemon's certificate is self-signed (scripts/tls-cert.sh).
    options.accept_insecure_certs = True
    service = Service(os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver"))
    return webdriver.Chrome(options=options, service=service)


def shoot(driver, directory, name, width):
    driver.set_window_size(width, 900)
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(width, min(max(height + 40, 600), 4000))
    path = os.path.join(directory, f"{name}-{width}.png")
    driver.save_screenshot(path)
    print(f"screenshot {path}")
    # Every page shown is also checked for names, contrast and the keyboard (browser_a11y.py).
    browser_a11y.check(driver, f"{name}-{width}")


def status_with_session(url, session_cookie):
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    request = urllib.request.Request(url, headers={"Cookie": f"ftth_session={session_cookie}"})
    try:
        with urllib.request.urlopen(request, context=context) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def main():
    links_file, shots, serial = sys.argv[1], sys.argv[2], sys.argv[3]
    links = dict(line.split(" ", 1) for line in open(links_file).read().splitlines())
    crew_link, admin_link, base = links["crew"].strip(), links["admin"].strip(), links["base"].strip()
    os.makedirs(shots, exist_ok=True)
    driver = browser()
    wait = WebDriverWait(driver, 30)
    try:
        # Sign in with the one-time link, as a crew member's phone would after scanning it.
        driver.get(crew_link)
        shoot(driver, shots, "sign-in-code", 360)
        driver.find_element(By.CSS_SELECTOR, "form[action='/code'] button").click()
        wait.until(EC.url_to_be(base + "/projects"))
        assert "crew-1" in driver.find_element(By.CLASS_NAME, "who").text
        shoot(driver, shots, "projects", 360)
        browser_livejs.run(driver, base)
        driver.get(base + "/projects")

        # The project, then the splitter typed as on its label (case and spaces forgiven).
        driver.find_element(By.PARTIAL_LINK_TEXT, "P2026-0412").click()
        label = wait.until(EC.presence_of_element_located((By.ID, "label")))
        label.send_keys("gc2-b1-sp01")
        label.submit()
        wait.until(EC.presence_of_element_located((By.ID, "port-3")))
        assert driver.current_url.endswith("/projects/P2026-0412/splitters/GC2-B1-SP01"), driver.current_url
        shoot(driver, shots, "splitter", 360)

        # Test port 3 with the test ONT olt-sim has waiting in it.
        port = driver.find_element(By.ID, "port-3")
        port.find_element(By.NAME, "serial").send_keys(serial)
        port.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        section = wait.until(EC.presence_of_element_located((By.ID, "run")))
        run_url = driver.current_url
        assert "/runs/" in run_url, run_url
        assert section.get_attribute("data-active") == "1", "the test had ended before its page opened"
        shoot(driver, shots, "test-live", 360)
        steps = set()
        deadline = time.monotonic() + 60
        verdict = None
        while time.monotonic() < deadline:
            found = driver.find_elements(By.ID, "verdict")
            if found:
                verdict = found[0].text
                break
            for element in driver.find_elements(By.ID, "step"):
                try:
                    steps.add(element.text)
                except Exception:
                    pass
            time.sleep(0.2)
        assert verdict, f"no verdict within 60 s; steps seen: {steps}"
        assert driver.current_url == run_url
        print(f"verdict arrived live: {verdict!r}; steps seen on the page: {sorted(steps)}")
        assert verdict in ("合格", "不合格"), verdict
        shoot(driver, shots, "verdict", 360)
        shoot(driver, shots, "verdict", 1280)
        driver.find_element(By.PARTIAL_LINK_TEXT, "下一个未测端口").click()
        wait.until(EC.presence_of_element_located((By.ID, "port-1")))
        shoot(driver, shots, "splitter", 1280)

        # A crew session is refused an administrator's page: the page says so, the status is 403.
        driver.get(base + "/admin/accounts")
        heading = driver.find_element(By.TAG_NAME, "h1").text
        assert heading == "无权访问", heading
        session = driver.get_cookie("ftth_session")
        assert session and session.get("httpOnly") and session.get("secure"), session
        assert session.get("sameSite") == "Strict", session
        code = status_with_session(base + "/admin/accounts", session["value"])
        assert code == 403, code
        print("crew session on /admin/accounts: 403")
        shoot(driver, shots, "crew-forbidden", 360)

        # Sign out, then the administrator signs in on the same browser (English pages).
        driver.get(base + "/projects")
        driver.find_element(By.CSS_SELECTOR, "form.signout button").click()
        wait.until(EC.url_to_be(base + "/sign-in"))
        driver.get(admin_link)
        driver.find_element(By.CSS_SELECTOR, "form[action='/code'] button").click()
        wait.until(EC.url_to_be(base + "/projects"))
        driver.get(base + "/admin/accounts")
        assert driver.find_element(By.TAG_NAME, "h1").text == "Accounts"
        shoot(driver, shots, "projects-admin", 1280)
        # A sign-in link for crew-1 as a QR code: what Chromium draws is read back by zbarimg.
        driver.find_element(
            By.XPATH, "//li[strong[text()='crew-1']]//form[contains(@action, 'sign-in-code')]/button").click()
        shown = wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "p.code a"))).text
        qr_png = os.path.join(shots, "sign-in-qr.png")
        driver.find_element(By.CSS_SELECTOR, "figure.qr svg").screenshot(qr_png)
        read = subprocess.run(["zbarimg", "--quiet", "--raw", qr_png], capture_output=True, text=True)
        assert read.returncode == 0 and read.stdout.strip() == shown, (read.returncode, read.stdout, shown)
        print(f"sign-in QR code read back by zbarimg: {shown[:40]}…")
        shoot(driver, shots, "accounts-qr", 1280)
        # That link, on a phone with JavaScript off: the crew's whole test by forms alone.
        browser_nojs.run(browser, base, shown, links, shots, shoot)
        browser_evidence.run(driver, wait, base, links, shots, shoot)
        __import__("browser_admin").run(driver, wait, base, links, shots, shoot)
        __import__("browser_reports").run(driver, wait, base, links, shots, shoot)
        problems = browser_a11y.problems()
        for problem in problems:
            print(f"accessibility: {problem}")
        assert not problems, f"{len(problems)} accessibility problem(s), listed above"
        print(f"accessibility: {browser_a11y.pages_walked()} pages walked with the keyboard; names and contrast fine")
        print("browser tests passed")
    finally:
        driver.quit()


if __name__ == "__main__":
    main()

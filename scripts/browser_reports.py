"""Reports and imports in the browser (called by browser_test.py with the administrator signed in):
the printable report page with its SVG histogram, printed to PDF by Chromium; the XLSX report
downloaded with the administrator's session and read back with openpyxl, row for row against
report.csv; an import whose problems are listed before anything is saved, then a correct one saved.

The XLSX is also opened by LibreOffice Calc headless (Debian's libreoffice-calc-nogui, which
scripts/install-deps.sh installs), converted to CSV and compared cell by cell: about 3 s.
"""

import base64
import csv
import io
import os
import re
import shutil
import ssl
import subprocess
import tempfile
import urllib.request

import openpyxl
from selenium.webdriver.common.by import By
from selenium.webdriver.common.print_page_options import PrintOptions
from selenium.webdriver.support import expected_conditions as EC

PROJECT = "P2026-0412"


def fetch(url, session_cookie):
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    request = urllib.request.Request(url, headers={"Cookie": f"ftth_session={session_cookie}"})
    with urllib.request.urlopen(request, context=context) as response:
        return response.status, dict(response.headers), response.read()


def same_cell(text, value):
    """A CSV field against the spreadsheet's value: numbers as numbers, text as text."""
    if value is None:
        return text == ""
    if isinstance(value, (int, float)):
        return text != "" and abs(float(text) - float(value)) < 1e-9
    return str(value) == text


def compare(csv_rows, sheet_rows, source):
    assert len(csv_rows) == len(sheet_rows), f"{source}: {len(sheet_rows)} rows, report.csv has {len(csv_rows)}"
    for number, (expected, got) in enumerate(zip(csv_rows, sheet_rows), start=1):
        got = list(got) + [None] * (len(expected) - len(got))
        for column, (text, value) in enumerate(zip(expected, got)):
            assert same_cell(text, value), f"{source} row {number} column {column + 1}: {value!r}, CSV {text!r}"


def run(driver, wait, base, links, shots, shoot):
    # The printable page: totals, the histogram as inline SVG, the limits that applied.
    driver.get(f"{base}/projects/{PROJECT}/report")
    wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "svg.histogram")))
    bins = driver.find_elements(By.CSS_SELECTOR, "svg.histogram rect.bin")
    limits = driver.find_elements(By.CSS_SELECTOR, "svg.histogram line.limit")
    assert bins and len(limits) >= 2, (len(bins), len(limits))
    print(f"report page: {len(bins)} histogram bar(s), {len(limits)} limit line(s)")
    shoot(driver, shots, "report", 1280)
    shoot(driver, shots, "report", 360)

    # Chromium prints it to PDF (DevTools Page.printToPDF through Selenium's print_page).
    options = PrintOptions()
    options.orientation = "landscape"
    pdf = base64.b64decode(driver.print_page(options))
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf))
    assert pdf.startswith(b"%PDF") and pages >= 1, (pdf[:8], pages)
    with open(os.path.join(shots, "report.pdf"), "wb") as out:
        out.write(pdf)
    print(f"report printed to PDF: {len(pdf)} bytes, {pages} page(s)")

    # The XLSX as the administrator downloads it, read back against report.csv.
    session = driver.get_cookie("ftth_session")["value"]
    status, headers, xlsx = fetch(f"{base}/projects/{PROJECT}/report.xlsx", session)
    assert status == 200 and xlsx.startswith(b"PK"), status
    assert "report.xlsx" in headers.get("Content-Disposition", ""), headers
    _, _, csv_bytes = fetch(f"{base}/projects/{PROJECT}/report.csv", session)
    csv_rows = list(csv.reader(io.StringIO(csv_bytes.decode("utf-8"), newline="")))
    workbook = openpyxl.load_workbook(io.BytesIO(xlsx), read_only=True)
    assert workbook.sheetnames[:2] == ["report", "splitters"], workbook.sheetnames
    sheet_rows = [list(row) for row in workbook["report"].iter_rows(values_only=True)]
    compare(csv_rows, sheet_rows, "report.xlsx (openpyxl)")
    numbers = sum(isinstance(v, (int, float)) for row in sheet_rows[1:] for v in row)
    assert numbers > 0, "no numeric cell in the XLSX"
    print(f"XLSX read back with openpyxl: {len(sheet_rows)} rows equal report.csv, {numbers} numeric cells")
    xlsx_path = os.path.join(shots, f"{PROJECT}-report.xlsx")
    with open(xlsx_path, "wb") as out:
        out.write(xlsx)

    assert shutil.which("soffice"), "soffice is missing: run scripts/install-deps.sh (libreoffice-calc-nogui)"
    with tempfile.TemporaryDirectory() as out:
        subprocess.run(
            ["soffice", f"-env:UserInstallation=file://{out}/profile", "--headless", "--convert-to",
             "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1",
             "--outdir", out, xlsx_path],
            check=True, timeout=120, capture_output=True)
        converted = os.path.join(out, f"{PROJECT}-report-report.csv")
        if not os.path.exists(converted):
            converted = os.path.join(out, f"{PROJECT}-report.csv")
        with open(converted, encoding="utf-8", newline="") as handle:
            lo_rows = list(csv.reader(handle))
    assert len(lo_rows) == len(csv_rows), (len(lo_rows), len(csv_rows))
    for number, (expected, got) in enumerate(zip(csv_rows, lo_rows), start=1):
        got = got + [""] * (len(expected) - len(got))
        for text, value in zip(expected, got):
            ok = text == value or (text and value and _float(text) is not None and _float(text) == _float(value))
            assert ok, f"LibreOffice row {number}: {value!r}, CSV {text!r}"
    print(f"XLSX opened by LibreOffice headless: {len(lo_rows)} rows equal report.csv")

    # Import: a file with problems lists them, line by line, and nothing is saved.
    directory = tempfile.mkdtemp()
    bad = os.path.join(directory, "projects-bad.csv")
    header = "project_code,project_name,olt_name,olt_ip,olt_dialect,pon,svlan,splitter_name,splitter_ratio\n"
    with open(bad, "w", encoding="utf-8") as out:
        out.write(header)
        out.write("PB-1,Browser block,HW-B,10.99.0.1,huawei-ma5800,0/1/0,5000,SP-1,1:8\n")
        out.write("PB-1,Browser block,HW-B,,huawei-ma5800,0/1/0,1001,SP-2,1:9\n")
    driver.get(f"{base}/admin/import")
    driver.find_element(By.CSS_SELECTOR, "input[name=kind][value=projects]").click()
    driver.find_element(By.ID, "import-file").send_keys(bad)
    driver.find_element(By.CSS_SELECTOR, "form[enctype] button[type=submit]").click()
    problems = wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, ".import-problems")))
    listed = problems.find_elements(By.CSS_SELECTOR, "tbody tr")
    assert len(listed) >= 3 and "5000" in problems.text, problems.text
    print(f"import of a bad file: {len(listed)} problem(s) listed, nothing saved")
    shoot(driver, shots, "import-errors", 1280)
    driver.get(f"{base}/projects")
    assert "PB-1" not in driver.page_source

    # A correct file: checked, confirmed, saved with its progress shown.
    good = os.path.join(directory, "projects.csv")
    with open(good, "w", encoding="utf-8") as out:
        out.write(header)
        out.write("PB-1,Browser block,HW-B,10.99.0.1,huawei-ma5800,0/1/0,1001,SP-1,1:8\n")
    driver.get(f"{base}/admin/import")
    driver.find_element(By.ID, "import-file").send_keys(good)
    driver.find_element(By.CSS_SELECTOR, "form[enctype] button[type=submit]").click()
    wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, ".import-checked button"))).click()
    done = wait.until(EC.presence_of_element_located((By.ID, "import-done")))
    print(f"import saved: {done.text}")
    shutil.rmtree(directory)


def _float(text):
    try:
        return float(text)
    except ValueError:
        return None

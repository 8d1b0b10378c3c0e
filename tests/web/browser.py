#!/usr/bin/python3
"""Drives Debian's headless chromium through lkp-store's web pages over the DevTools protocol.

The protocol runs on a pipe (--remote-debugging-pipe: commands on fd 3, answers on fd 4, each
message JSON ended by a NUL byte), so nothing but chromium and Python's standard library is
needed. The browser does what a member of staff does: reads the public results page, logs in
through the form, opens each staff page and downloads an export. Every page is saved as a PNG at
desktop and phone width. What the test asserts is printed as one JSON report on stdout.

Usage: browser.py CHROMIUM BASE_URL USER PASSWORD OUT_DIR
"""
import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

WIDTHS = {"desktop": (1280, 900, False), "phone": (390, 844, True)}


class Browser:
    def __init__(self, binary, profile):
        to_chrome_r, self.to_chrome = os.pipe()
        self.from_chrome, from_chrome_w = os.pipe()

        # Chromium's ends become its fds 3 and 4 (inheritable: dup2 onto an fd it already is
        # would keep close-on-exec, so they go through fds that cannot be 3 or 4 first).
        def pipes_as_3_and_4():
            r, w = os.dup2(to_chrome_r, 100), os.dup2(from_chrome_w, 101)
            os.dup2(r, 3)
            os.dup2(w, 4)

        self.proc = subprocess.Popen(
            [binary, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--hide-scrollbars",
             "--remote-debugging-pipe", "--user-data-dir=" + profile, "--lang=sv-SE", "about:blank"],
            preexec_fn=pipes_as_3_and_4, close_fds=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self.next_id = 0
        self.buffer = b""
        self.events = []
        self.session = None

    def _read_message(self, deadline):
        while b"\0" not in self.buffer:
            if time.time() > deadline:
                raise TimeoutError("chromium did not answer")
            chunk = os.read(self.from_chrome, 1 << 16)
            if not chunk:
                raise RuntimeError("chromium closed the DevTools pipe")
            self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)

    def send(self, method, params=None, session=True, timeout=30):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session and self.session:
            message["sessionId"] = self.session
        os.write(self.to_chrome, json.dumps(message).encode() + b"\0")
        deadline = time.time() + timeout
        while True:
            reply = self._read_message(deadline)
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(method + ": " + json.dumps(reply["error"]))
                return reply.get("result", {})
            self.events.append(reply)

    def wait_for(self, method, timeout=30):
        deadline = time.time() + timeout
        while True:
            for i, e in enumerate(self.events):
                if e.get("method") == method:
                    return self.events.pop(i)
            self.events.append(self._read_message(deadline))

    def open_tab(self):
        target = self.send("Target.createTarget", {"url": "about:blank"}, session=False)["targetId"]
        self.session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True},
                                 session=False)["sessionId"]
        self.send("Page.enable")
        self.send("Network.enable")

    def go(self, url):
        self.events = [e for e in self.events if e.get("method") != "Page.loadEventFired"]
        self.send("Page.navigate", {"url": url})
        self.wait_for("Page.loadEventFired")

    def submit(self, script):
        """Runs `script` (which submits a form) and waits for the page it leads to."""
        self.events = [e for e in self.events if e.get("method") != "Page.loadEventFired"]
        self.value(script)
        self.wait_for("Page.loadEventFired")

    def value(self, expression):
        result = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True})
        return result.get("result", {}).get("value")

    def status(self):
        """The HTTP status of the last document loaded."""
        for e in reversed(self.events):
            if e.get("method") == "Network.responseReceived" and e["params"].get("type") == "Document":
                return e["params"]["response"]["status"]
        return None

    def screenshot(self, path, width, height, mobile):
        self.send("Emulation.setDeviceMetricsOverride",
                  {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile})
        full = self.send("Page.getLayoutMetrics")["cssContentSize"]
        data = self.send("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True,
                                                    "clip": {"x": 0, "y": 0, "width": width,
                                                             "height": max(height, full["height"]), "scale": 1}})
        with open(path, "wb") as f:
            f.write(base64.b64decode(data["data"]))
        # Wider than the screen means a sideways scroll bar on a phone.
        return self.value("document.documentElement.scrollWidth")

    def close(self):
        try:
            self.send("Browser.close", session=False, timeout=5)
        except Exception:
            pass
        self.proc.wait(timeout=10)


def main():
    chromium, base, user, password, out = sys.argv[1:6]
    os.makedirs(out, exist_ok=True)
    profile = tempfile.mkdtemp(prefix="lkp-chromium-")
    downloads = tempfile.mkdtemp(prefix="lkp-downloads-")
    report = {"pages": {}, "dialogs": 0}
    b = Browser(chromium, profile)
    try:
        b.open_tab()

        def page(name, url=None):
            if url:
                b.go(base + url)
            info = {"status": b.status(), "url": b.value("location.pathname + location.search"),
                    "title": b.value("document.title"), "h1": b.value("document.querySelector('h1')?.textContent")}
            for width_name, (w, h, mobile) in WIDTHS.items():
                info["scroll_width_" + width_name] = b.screenshot(os.path.join(out, name + "-" + width_name + ".png"),
                                                                  w, h, mobile)
            b.send("Emulation.clearDeviceMetricsOverride")
            report["pages"][name] = info
            return info

        page("results", "/")
        report["pages"]["results"]["bars"] = b.value("document.querySelectorAll('svg.chart rect').length")
        report["pages"]["results"]["too_few"] = b.value(
            "[...document.querySelectorAll('td')].filter(td => td.textContent === 'för få svar').length")
        page("results-district", "/?period=quarter&district=022&lang=en")
        page("login", "/staff/kiosks")  # not logged in: the login form
        b.submit("document.querySelector('[name=name]').value = " + json.dumps(user) + ";"
                 "document.querySelector('[name=password]').value = " + json.dumps(password) + ";"
                 "document.querySelector('form.login').submit()")
        page("kiosks")
        report["pages"]["kiosks"]["kiosk_names"] = b.value(
            "[...document.querySelectorAll('table.kiosks tbody th')].map(th => th.textContent)")
        report["pages"]["kiosks"]["failing"] = b.value("document.querySelectorAll('tr.failing').length")
        report["pages"]["kiosks"]["steps"] = b.value(
            "[...document.querySelectorAll('table.funnel tbody th')].map(th => th.textContent)")
        report["pages"]["kiosks"]["error_text"] = b.value(
            "document.querySelector('table.kiosks tbody tr td:last-child')?.textContent")
        page("exports", "/staff/exports")
        page("tokens", "/staff/tokens")
        b.submit("document.querySelector('[name=kiosk]').value = 'browser-kiosk';"
                 "document.querySelector('form.choose').submit()")
        page("tokens-added")
        report["pages"]["tokens-added"]["token"] = b.value("document.querySelector('.token code')?.textContent")

        b.send("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": downloads, "eventsEnabled": True},
               session=False)
        try:
            b.send("Page.navigate", {"url": base + "/staff/exports/indicators?format=csv&period=year"})
        except RuntimeError:
            pass  # a download is not a page: chromium reports the navigation as aborted
        done = b.wait_for("Browser.downloadProgress")
        while done["params"]["state"] == "inProgress":
            done = b.wait_for("Browser.downloadProgress")
        files = os.listdir(downloads)
        report["download"] = {"state": done["params"]["state"], "files": files}
        if files:
            with open(os.path.join(downloads, files[0]), encoding="utf-8-sig") as f:
                report["download"]["header"] = f.readline().strip()
        report["dialogs"] = sum(1 for e in b.events if e.get("method") == "Page.javascriptDialogOpening")
    finally:
        b.close()
        shutil.rmtree(profile, ignore_errors=True)
        shutil.rmtree(downloads, ignore_errors=True)
    print(json.dumps(report, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()

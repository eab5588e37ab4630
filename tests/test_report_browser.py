"""The reports in a real browser: headless Chromium driven over the DevTools protocol on a pipe.

No extra Python package and no port: Chromium's ``--remote-debugging-pipe`` reads commands on fd 3 and
writes replies on fd 4, NUL-separated JSON. The pages must load with no console error, fetch nothing
but themselves, show their plots, and sort the student table when a header is clicked.
"""

from __future__ import annotations

import fcntl
import json
import os
import select
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from autograder.record.gradebook import Gradebook
from autograder.report import write_class_report, write_feedback
from tests.test_report import LAB, QUESTIONS, record_class

pytestmark = pytest.mark.slow

CHROMIUM = "/usr/bin/chromium"
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--remote-debugging-pipe", "--window-size=1200,900")
TIMEOUT = 30.0


_ON_FDS_3_AND_4 = (
    "import os, sys; os.dup2(int(sys.argv[1]), 3); os.dup2(int(sys.argv[2]), 4);"
    " os.close(int(sys.argv[1])); os.close(int(sys.argv[2])); os.execv(sys.argv[3], sys.argv[3:])"
)
"""Chromium reads the DevTools pipe on fd 3 and writes on fd 4: move the pipe's ends there, then exec."""


def _high_pipe() -> tuple[int, int]:
    """A pipe whose ends are numbered 10 or more, so moving them onto fds 3 and 4 cannot clobber them."""
    low = os.pipe()
    high = tuple(fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10) for fd in low)
    for fd in low:
        os.close(fd)
    return high[0], high[1]


class DevTools:
    """A Chromium process and one page, spoken to over the DevTools pipe."""

    def __init__(self, profile: Path) -> None:
        to_browser, self._out = _high_pipe()
        self._in, from_browser = _high_pipe()
        self.process = subprocess.Popen(
            [sys.executable, "-c", _ON_FDS_3_AND_4, str(to_browser), str(from_browser), CHROMIUM, *FLAGS,
             f"--user-data-dir={profile}", "about:blank"],
            pass_fds=(to_browser, from_browser), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
        os.close(to_browser)
        os.close(from_browser)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict[str, Any]] = []
        try:
            target = self.call("Target.createTarget", url="about:blank")["targetId"]
            self.session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
            for domain in ("Page", "Runtime", "Log", "Network"):
                self.call(f"{domain}.enable", session=True)
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        for fd in (self._out, self._in):
            os.close(fd)
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def _read(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            ready, _, _ = select.select([self._in], [], [], max(0.0, deadline - time.monotonic()))
            chunk = os.read(self._in, 1 << 16) if ready else b""
            if not chunk:
                raise TimeoutError("Chromium did not answer (it exited or hung)")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def call(self, method: str, *, session: bool = False, **params: Any) -> dict[str, Any]:
        """Send one command and return its result; events that arrive meanwhile are kept in ``events``."""
        self._next_id += 1
        command = {"id": self._next_id, "method": method, "params": params}
        if session:
            command["sessionId"] = self.session
        os.write(self._out, json.dumps(command).encode() + b"\0")
        deadline = time.monotonic() + TIMEOUT
        while True:
            message = self._read(deadline)
            if message.get("id") == self._next_id:
                assert "error" not in message, f"{method}: {message['error']}"
                return message["result"]
            self.events.append(message)

    def wait_for(self, event: str) -> None:
        deadline = time.monotonic() + TIMEOUT
        while not any(e.get("method") == event for e in self.events):
            self.events.append(self._read(deadline))

    def open(self, path: Path) -> None:
        self.events.clear()
        self.call("Page.navigate", session=True, url=path.as_uri())
        self.wait_for("Page.loadEventFired")

    def js(self, expression: str) -> Any:
        reply = self.call("Runtime.evaluate", session=True, expression=expression, returnByValue=True,
                          awaitPromise=True)
        assert "exceptionDetails" not in reply, reply["exceptionDetails"]
        return reply["result"].get("value")

    def click(self, selector: str) -> None:
        """A real mouse click in the middle of the element."""
        box = self.js(f"(() => {{ const r = document.querySelector({json.dumps(selector)}); r.scrollIntoView();"
                      " const b = r.getBoundingClientRect(); return [b.x + b.width / 2, b.y + b.height / 2]; })()")
        for kind in ("mousePressed", "mouseReleased"):
            self.call("Input.dispatchMouseEvent", session=True, type=kind, x=box[0], y=box[1], button="left",
                      clickCount=1)

    def problems(self) -> list[str]:
        """Console errors, uncaught exceptions, and every request for anything but the page itself."""
        found = []
        for event in self.events:
            method, params = event.get("method"), event.get("params", {})
            if method == "Runtime.exceptionThrown":
                found.append(f"exception: {params['exceptionDetails'].get('text')}")
            elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
                found.append(f"console.{params['type']}: {params.get('args')}")
            elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
                found.append(f"log: {params['entry']['text']}")
            elif method == "Network.requestWillBeSent" and not params["request"]["url"].startswith(("file:", "data:")):
                found.append(f"fetch: {params['request']['url']}")
        return found


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory):
    if not Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is None:
        pytest.skip(f"{CHROMIUM} is not installed (Debian package 'chromium'); the browser checks need it")
    devtools = DevTools(tmp_path_factory.mktemp("chromium-profile"))
    yield devtools
    devtools.close()


@pytest.fixture
def book(tmp_path: Path):
    with Gradebook(tmp_path / "g.sqlite") as gradebook:
        record_class(gradebook)
        yield gradebook


IMAGES = "Promise.all(Array.from(document.images, i => i.decode().then(() => [i.naturalWidth, i.naturalHeight])))"
COLUMN = ("Array.from(document.querySelectorAll('#students tbody tr'), r => "
          "r.cells[{column}].dataset.sort ?? r.cells[{column}].textContent)")


BAD_PAGES = {
    "fetch and throw": ("<body><img src='http://127.0.0.1:9/x.png'><script>console.error('boom'); nothing();</script>",
                        ["fetch: http://127.0.0.1:9/x.png", "console.error", "exception"]),
    "blocked by CSP": ("<head><meta http-equiv='Content-Security-Policy' content=\"default-src 'none'\"></head>"
                       "<body><script>document.title = 'ran';</script>", ["Content Security Policy"]),
}


@pytest.mark.parametrize("name", BAD_PAGES)
def test_the_harness_notices_errors_fetches_and_csp_violations(browser, tmp_path, name):
    """Pages that fetch, throw or break their CSP must be caught, or the other tests prove nothing."""
    markup, expected = BAD_PAGES[name]
    bad = tmp_path / "bad.html"
    bad.write_text(f"<!DOCTYPE html><html>{markup}</body></html>")
    browser.open(bad)
    time.sleep(0.3)
    browser.js("1")  # let late events arrive
    found = " | ".join(browser.problems())
    assert all(e in found for e in expected), found


def test_class_report_renders_offline_with_plots_and_sorts(browser, book, tmp_path):
    page = write_class_report(book.results(LAB), tmp_path / "report.html", lab=LAB, questions=QUESTIONS)
    browser.open(page)
    sizes = browser.js(IMAGES)
    assert len(sizes) == 2 and all(width > 100 and height > 100 for width, height in sizes)
    score = 2  # student, status, score, ...
    assert browser.js(COLUMN.format(column=score)) == ["2.0", "4.0", "0.0", "1.0", "-1"]
    browser.click("#students th:nth-child(3)")
    assert [float(v) for v in browser.js(COLUMN.format(column=score))] == [-1, 0, 1, 2, 4]
    assert browser.js("document.querySelector('#students th:nth-child(3)').getAttribute('aria-sort')") == "ascending"
    browser.click("#students th:nth-child(3)")
    assert [float(v) for v in browser.js(COLUMN.format(column=score))] == [4, 2, 1, 0, -1]
    for _ in range(2):  # ascending, then descending
        browser.click("#students th:nth-child(1)")
    names = [name.split()[0] for name in browser.js(COLUMN.format(column=0))]
    assert names == ["eve", "dee", "cy", "ben", "Ana"]
    assert browser.problems() == []


def test_feedback_in_the_browser(browser, book, tmp_path):
    written = write_feedback(book.results(LAB), book.artifacts, tmp_path / "fb", lab=LAB)
    page = next(p for p in written if p.suffix == ".html" and p.stem.startswith("ana-maria"))
    browser.open(page)
    sizes = browser.js(IMAGES)
    assert len(sizes) == 2 and all(width > 50 and height > 50 for width, height in sizes)
    text = browser.js("document.body.innerText")
    assert "<script>alert(1)</script>" in text and "hidden check" in text and "2 days 3 hours late" in text
    assert browser.js("document.scripts.length") == 0
    assert browser.problems() == []

"""A real headless Chromium driven through the DevTools protocol over a pipe (`--remote-debugging-pipe`): load a
page, collect what its console and runtime report, evaluate an expression, take a screenshot.

The pipe (fd 3 to the browser, fd 4 from it, messages ended by NUL) needs no port and no extra package. Used by
the HTML report's browser test and by `benchmarks/report/html.py`.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: Chromium's name on Debian (`apt-get install chromium`), then other usual names.
NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def find_chromium() -> str | None:
    """The path of a Chromium-like browser on PATH, or None."""
    for name in NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


@dataclass
class PageLoad:
    """What loading a page gave: problems reported, the seconds to its load event, values asked for, a screenshot."""

    problems: list[str] = field(default_factory=list)
    load_seconds: float = 0.0
    values: dict[str, Any] = field(default_factory=dict)
    screenshot: bytes = b""


class _Pipe:
    def __init__(self, to_browser: int, from_browser: int, timeout: float) -> None:
        self.to_browser, self.from_browser, self.timeout = to_browser, from_browser, timeout
        self.buffer = b""
        self.next_id = 0
        self.events: list[dict[str, Any]] = []

    def send(self, method: str, params: dict[str, Any] | None = None, session: str | None = None) -> dict[str, Any]:
        self.next_id += 1
        message: dict[str, Any] = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self.to_browser, json.dumps(message).encode() + b"\0")
        while True:
            reply = self.receive()
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return dict(reply.get("result", {}))
            self.events.append(reply)

    def receive(self) -> dict[str, Any]:
        deadline = time.monotonic() + self.timeout
        while b"\0" not in self.buffer:
            if time.monotonic() > deadline:
                raise TimeoutError("the browser did not answer")
            chunk = os.read(self.from_browser, 1 << 16)
            if not chunk:
                raise EOFError("the browser closed its pipe")
            self.buffer += chunk
        message, _, self.buffer = self.buffer.partition(b"\0")
        return dict(json.loads(message))

    def wait_for(self, method: str) -> dict[str, Any]:
        for index, event in enumerate(self.events):
            if event.get("method") == method:
                return self.events.pop(index)
        while True:
            event = self.receive()
            if event.get("method") == method:
                return event
            self.events.append(event)


def _problems(events: list[dict[str, Any]]) -> list[str]:
    found = []
    for event in events:
        method, params = event.get("method"), event.get("params", {})
        if method == "Runtime.exceptionThrown":
            found.append(f"uncaught: {params.get('exceptionDetails', {}).get('text')}")
        elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "warning", "assert"):
            found.append(f"console.{params.get('type')}: {params.get('args')}")
        elif method == "Log.entryAdded" and params.get("entry", {}).get("level") in ("error", "warning"):
            entry = params["entry"]
            found.append(f"{entry.get('source')} {entry.get('level')}: {entry.get('text')} {entry.get('url', '')}")
    return found


def load_page(
    browser: str,
    page: Path,
    *,
    expressions: dict[str, str] | None = None,
    width: int = 1280,
    height: int = 2000,
    screenshot: bool = True,
    timeout: float = 60.0,
) -> PageLoad:
    """Open `page` in a fresh headless browser; collect console errors and warnings, uncaught exceptions and
    failed loads, the seconds from navigation to the load event, each of `expressions` evaluated, a PNG."""
    to_read, to_browser = os.pipe()  # the browser reads commands on fd 3
    from_browser, to_write = os.pipe()  # and writes replies on fd 4

    def wire_pipes() -> None:
        high_read, high_write = os.dup(to_read), os.dup(to_write)
        os.dup2(high_read, 3, inheritable=True)
        os.dup2(high_write, 4, inheritable=True)

    profile = tempfile.mkdtemp(prefix="checkpoint-browser-")
    process = subprocess.Popen(
        [
            browser,
            "--headless",
            "--disable-gpu",
            "--no-sandbox",
            "--remote-debugging-pipe",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-extensions",
            f"--user-data-dir={profile}",
            f"--window-size={width},{height}",
            "about:blank",
        ],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        preexec_fn=wire_pipes,  # before exec: fds 3 and 4 are the pipe's ends (no threads run meanwhile)
        close_fds=False,
    )
    os.close(to_read)
    os.close(to_write)
    pipe = _Pipe(to_browser, from_browser, timeout)
    try:
        target = pipe.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = pipe.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Log"):
            pipe.send(f"{domain}.enable", session=session)
        pipe.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
            session=session,
        )
        pipe.events.clear()
        started = time.perf_counter()
        pipe.send("Page.navigate", {"url": page.resolve().as_uri()}, session=session)
        pipe.wait_for("Page.loadEventFired")
        loaded = PageLoad(load_seconds=time.perf_counter() - started)
        for name, expression in (expressions or {}).items():
            answer = pipe.send("Runtime.evaluate", {"expression": expression, "returnByValue": True}, session=session)
            loaded.values[name] = answer.get("result", {}).get("value")
        if screenshot:
            shot = pipe.send("Page.captureScreenshot", {"format": "png"}, session=session)
            loaded.screenshot = base64.b64decode(shot["data"])
        loaded.problems = _problems(pipe.events)
        with contextlib.suppress(EOFError, TimeoutError):  # it may close its pipe before answering
            pipe.send("Browser.close")
        return loaded
    finally:
        os.close(to_browser)
        os.close(from_browser)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(profile, ignore_errors=True)

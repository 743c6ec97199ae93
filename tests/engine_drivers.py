"""The course in the other browser engines learners use: Firefox (Gecko) and WebKit (Safari's engine).

Both come from Debian, as Chromium does, and nothing here downloads a browser or a driver:

- Firefox: Debian's ``firefox-esr``, driven over WebDriver BiDi by ``puppeteer-core`` (npm, in
  ``tests/browsers``) through a small node bridge, ``tests/browsers/firefox_bridge.mjs``. Debian has no
  geckodriver, so Selenium cannot drive Firefox here.
- WebKit: WebKitGTK's ``MiniBrowser``, driven by Selenium (PyPI) through Debian's ``WebKitWebDriver``
  (package ``webkit2gtk-driver``), on a private Xvfb display (package ``xvfb``).

Both give the same small interface, so a test is written once for the two: ``goto``, ``js`` (a function
body using ``arguments``, as Selenium's ``execute_script``), ``click``, ``select``, ``press``, ``screenshot``
and ``close``. Clicks and keys are the driver's input events, not scripted ``element.click()`` (a drop-down
list's choice is made as each driver makes it).
Waiting is done in Python on conditions read from the page (:func:`wait_for`), the same for both.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import select
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

FIREFOX = "/usr/bin/firefox-esr"
WEBKIT_DRIVER = "/usr/bin/WebKitWebDriver"
WEBKIT_BROWSER = "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser"
XVFB = "/usr/bin/Xvfb"
BRIDGE_DIR = Path(__file__).parent / "browsers"
BRIDGE = BRIDGE_DIR / "firefox_bridge.mjs"
VIEWPORT = (1280, 1600)


def missing(engine: str) -> list[str]:
    """What this machine lacks to run ``engine`` ("firefox" or "webkit"); empty when all is there."""
    if engine == "firefox":
        needs = {FIREFOX: "Debian firefox-esr", str(BRIDGE_DIR / "node_modules" / "puppeteer-core"):
                 "npm puppeteer-core (npm ci --prefix tests/browsers)"}
        lacking = [] if shutil.which("node") else ["node"]
    elif engine == "webkit":
        needs = {WEBKIT_DRIVER: "Debian webkit2gtk-driver", WEBKIT_BROWSER: "Debian webkit2gtk-driver (MiniBrowser)",
                 XVFB: "Debian xvfb"}
        try:
            import selenium  # noqa: F401
            lacking = []
        except ImportError:
            lacking = ["selenium (the test extras)"]
    else:
        raise ValueError(engine)
    return lacking + [what for path, what in needs.items() if not Path(path).exists()]


class FirefoxBiDi:
    """Debian's firefox-esr over WebDriver BiDi, through the node bridge."""

    name = "firefox"

    def __init__(self, log: Path) -> None:
        self._log = open(log, "wb")  # noqa: SIM115 - closed in close()
        # Its own process group: if node has to be killed, Firefox (node's child) goes with it.
        self._proc = subprocess.Popen(
            ["node", str(BRIDGE), FIREFOX, str(VIEWPORT[0]), str(VIEWPORT[1])], cwd=BRIDGE_DIR,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._log, text=True, start_new_session=True,
        )
        self._lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        try:
            self.version = self._answer(60)
        except BaseException:
            self._stop()
            raise

    def _read(self) -> None:
        for line in self._proc.stdout:
            self._lines.put(line)
        self._lines.put(None)  # the bridge has ended

    def _answer(self, timeout: float):
        try:
            line = self._lines.get(timeout=timeout)
        except queue.Empty:
            raise RuntimeError(f"the Firefox bridge did not answer within {timeout:.0f} s "
                               f"(see {self._log.name})") from None
        if line is None:
            raise RuntimeError(f"the Firefox bridge ended (see {self._log.name})")
        answer = json.loads(line)
        if "error" in answer:
            raise RuntimeError(f"Firefox: {answer['error']}")
        return answer["ok"]

    def _do(self, op: str, timeout: float = 90, **args):
        self._proc.stdin.write(json.dumps({"op": op, **args}) + "\n")
        self._proc.stdin.flush()
        return self._answer(timeout)

    def goto(self, url: str) -> None:
        self._do("goto", url=url)

    def js(self, body: str, *args):
        return self._do("js", body=body, args=list(args))

    def click(self, selector: str) -> None:
        self._do("click", selector=selector)

    def select(self, selector: str, label: str) -> None:
        self._do("select", selector=selector, label=label)

    def press(self, key: str) -> None:
        self._do("press", key=key)

    def type(self, text: str) -> None:
        """Type ``text`` into the focused element, key by key."""
        self._do("type", text=text)

    def screenshot(self, path: Path) -> None:
        self._do("screenshot", path=str(path))

    def _stop(self) -> None:
        if self._proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self._proc.pid, signal.SIGKILL)
        self._proc.wait()
        self._log.close()

    def close(self) -> None:
        try:
            if self._proc.poll() is None:
                self._do("close", timeout=30)
                self._proc.wait(30)
        finally:
            self._stop()


# Key names as puppeteer spells them, to WebDriver's key codes (selenium.webdriver.common.keys.Keys).
_WEBDRIVER_KEYS = {"Space": "\ue00d", "ArrowDown": "\ue015", "ArrowUp": "\ue013", "Escape": "\ue00c",
                   "Enter": "\ue007", "Tab": "\ue004"}


class WebKitSelenium:
    """WebKitGTK's MiniBrowser through Debian's WebKitWebDriver and Selenium, on a private Xvfb display."""

    name = "webkit"

    def __init__(self, log: Path) -> None:
        from selenium.webdriver import Remote
        from selenium.webdriver.remote.client_config import ClientConfig
        from selenium.webdriver.remote.remote_connection import RemoteConnection
        from selenium.webdriver.webkitgtk.options import Options
        from selenium.webdriver.webkitgtk.service import Service

        self._log = open(log, "wb")  # noqa: SIM115 - closed in close()
        self._xvfb, display = _xvfb(self._log)
        self.driver = self.service = None
        try:
            options = Options()
            options.binary_location = WEBKIT_BROWSER
            options.add_argument("--automation")
            # No accessibility bus to wait for: nothing here reads the page through it.
            env = {**os.environ, "DISPLAY": display, "NO_AT_BRIDGE": "1"}
            self.service = Service(executable_path=WEBKIT_DRIVER, log_output=self._log, env=env)
            self.service.start()
            # A time limit on every command (Selenium's default is none), so a browser that hangs fails the test.
            config = ClientConfig(remote_server_addr=self.service.service_url, timeout=120)
            self.driver = Remote(command_executor=RemoteConnection(client_config=config), options=options)
            self.driver.set_window_rect(0, 0, *VIEWPORT)
            self.version = self.driver.capabilities.get("browserVersion", "?")
        except BaseException:
            self.close()
            raise

    def goto(self, url: str) -> None:
        self.driver.get(url)

    def js(self, body: str, *args):
        return self.driver.execute_script(body, *args)

    def _element(self, selector: str):
        from selenium.webdriver.common.by import By

        return self.driver.find_element(By.CSS_SELECTOR, selector)

    def click(self, selector: str) -> None:
        """Into view, then the pointer moves onto it and clicks, as a mouse does.

        (WebDriver's plain element click sends no pointer move in WebKit, and JupyterLab's menus choose the item
        under the pointer from the moves.)"""
        from selenium.webdriver.common.action_chains import ActionChains

        element = self._element(selector)
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center', inline: 'nearest'});", element)
        ActionChains(self.driver).move_to_element(element).click().perform()

    def select(self, selector: str, label: str) -> None:
        from selenium.webdriver.support.select import Select

        # By index: ipywidgets writes the options' spaces as no-break spaces, which Select's text match misses.
        index = self.js("""const s = document.querySelector(arguments[0]);
                           s.scrollIntoView({block: 'center', inline: 'nearest'});
                           return [...s.options].findIndex(o => o.text.replace(/\\u00a0/g, ' ').trim() === arguments[1]);""",
                        selector, label)
        if index < 0:
            raise ValueError(f"no option {label!r} in {selector}")
        Select(self._element(selector)).select_by_index(index)

    def press(self, key: str) -> None:
        from selenium.webdriver.common.action_chains import ActionChains

        ActionChains(self.driver).send_keys(_WEBDRIVER_KEYS.get(key, key)).perform()

    def type(self, text: str) -> None:
        """Type ``text`` into the focused element, key by key."""
        from selenium.webdriver.common.action_chains import ActionChains

        ActionChains(self.driver).send_keys(text).perform()

    def screenshot(self, path: Path) -> None:
        self.driver.save_screenshot(str(path))

    def close(self) -> None:
        try:
            if self.driver is not None:
                self.driver.quit()
        finally:
            if self.service is not None:
                self.service.stop()
            self._xvfb.terminate()
            try:
                self._xvfb.wait(15)
            except subprocess.TimeoutExpired:
                self._xvfb.kill()
                self._xvfb.wait()
            self._log.close()


def _xvfb(log) -> tuple[subprocess.Popen, str]:
    """A private X display (unix socket only, no TCP); Xvfb picks a free number and tells it on a pipe."""
    read, write = os.pipe()
    proc = subprocess.Popen(
        [XVFB, "-displayfd", str(write), "-screen", "0", f"{VIEWPORT[0]}x{VIEWPORT[1]}x24", "-nolisten", "tcp"],
        stdout=log, stderr=log, pass_fds=(write,),
    )
    os.close(write)
    said, deadline = b"", time.monotonic() + 30
    try:
        # Read up to the newline: Xvfb writes the number and the newline apart, and dies if the pipe closed between.
        while not said.endswith(b"\n") and time.monotonic() < deadline:
            ready, _, _ = select.select([read], [], [], max(0.0, deadline - time.monotonic()))
            chunk = os.read(read, 32) if ready else b""
            if not chunk:
                break
            said += chunk
    finally:
        os.close(read)
    number = said.decode().strip() if said.endswith(b"\n") else ""
    if not number:
        proc.kill()
        proc.wait()
        raise RuntimeError("Xvfb did not start a display within 30 s")
    return proc, f":{number}"


@contextlib.contextmanager
def browser(engine: str, workdir: Path) -> Iterator[FirefoxBiDi | WebKitSelenium]:
    """A fresh browser of ``engine``; its logs go to ``workdir``."""
    cls = {"firefox": FirefoxBiDi, "webkit": WebKitSelenium}[engine]
    b = cls(workdir / f"{engine}.log")
    try:
        yield b
    finally:
        b.close()


# -- engine-neutral helpers ---------------------------------------------------------------------------

class Timeout(AssertionError):
    pass


# Defined for every condition and finder: ``norm`` (spaces, no-break spaces and line breaks as one space, trimmed).
_NORMALISE = "const norm = (s) => (s || '').replace(/\\s+/g, ' ').trim();"


def wait_for(b, predicate: str, what: str, *args, timeout: float = 60):
    """Poll a JavaScript function body (``arguments`` are ``args``) until it returns something truthy; return it."""
    body = f"{_NORMALISE} return (function() {{ {predicate} }}).apply(null, arguments);"
    deadline = time.monotonic() + timeout
    while True:
        value = b.js(body, *args)
        if value:
            return value
        if time.monotonic() > deadline:
            raise Timeout(f"{b.name}: timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.1)


_counter = iter(range(10**9))


def mark(b, finder: str, what: str, *args, timeout: float = 60) -> str:
    """Wait until the JavaScript ``finder`` (a function body returning an element or null) finds an element;
    tag it and return a CSS selector for it, for :meth:`click` and :meth:`select`."""
    tag = f"m{next(_counter)}"
    body = f"const el = (function() {{ {finder} }}).apply(null, arguments);" \
           f" if (!el) return null; el.setAttribute('data-smoke', '{tag}'); return true;"
    wait_for(b, body, what, *args, timeout=timeout)
    return f'[data-smoke="{tag}"]'


def labelled(b, scope: str, text: str, *args) -> str:
    """The control labelled ``text`` inside the element that the finder ``scope`` returns."""
    finder = f"""const scope = (function() {{ {scope} }}).apply(null, arguments);
                 if (!scope) return null;
                 return [...scope.querySelectorAll('label')].filter(l => norm(l.textContent) === {json.dumps(text)})
                        .map(l => l.control || l.querySelector('input, select')).find(Boolean) || null;"""
    return mark(b, finder, f"a control labelled {text!r}", *args)


# -- JupyterLab (and JupyterLite), engine-neutral ------------------------------------------------------

def require(engine: str) -> None:
    """Skip where the engine is missing; in CI, fail instead (as lab_harness.require_chromium does)."""
    import pytest

    lacking = missing(engine)
    if lacking:
        if os.environ.get("CI"):
            pytest.fail(f"{engine} is missing in CI ({', '.join(lacking)}): run-tests.sh should have installed it")
        pytest.skip(f"{engine} is not installed here: {', '.join(lacking)}")


MAIN_TAB = "#jp-main-dock-panel .lm-TabBar-tab.lm-mod-current"  # the tab of the document in front


def menu(b, menu_name: str, command: str) -> None:
    """Open a menu of the menu bar and choose the item of ``command``, as a learner does with the mouse."""
    b.click(mark(b, "return [...document.querySelectorAll('.lm-MenuBar-item')]"
                    ".find(i => norm(i.textContent) === arguments[0]);", f"the {menu_name} menu", menu_name))
    # Lumino shows a menu once it is placed: wait until the item is visible, not only in the page. The click goes
    # to the item's label (the item itself is a table row, to which WebKit's WebDriver cannot point).
    label = mark(b, """const i = document.querySelector(`.lm-Menu-item[data-command='${arguments[0]}']`);
                       const l = i && i.querySelector('.lm-Menu-itemLabel');
                       return l && getComputedStyle(l).visibility === 'visible' && l.getBoundingClientRect().height > 0
                              ? l : null;""", f"{command} in the {menu_name} menu", command)
    assert not b.js("return document.querySelector(arguments[0]).closest('.lm-Menu-item')"
                    ".classList.contains('lm-mod-disabled');", label), f"{command} is disabled in the {menu_name} menu"
    b.click(label)


def current_tab(b, name: str) -> None:
    wait_for(b, f"""return [...document.querySelectorAll('{MAIN_TAB} .lm-TabBar-tabLabel')]
                           .some(t => t.textContent.trim() === arguments[0]);""", f"{name} as the current tab", name)


def save(b, name: str) -> None:
    """File → Save, and wait until the tab no longer shows unsaved changes (before the page leaves the notebook)."""
    current_tab(b, name)
    menu(b, "File", "docmanager:save")
    wait_for(b, f"return !document.querySelector('{MAIN_TAB}.jp-mod-dirty');", f"{name} saved")


def exercise_scope(title: str) -> str:
    """A finder for the exercise widget headed ``title``."""
    return ("return [...document.querySelectorAll('.ssr-exercise')].find(w => "
            f"norm((w.querySelector('h3.ssr-title') || {{}}).textContent) === {json.dumps(title)});")


def check_and_read(b, title: str, summary: str, also: str, button: str = "Check") -> None:
    """Press the exercise's Check (``button``) and wait for feedback holding ``summary`` and ``also``."""
    scope = exercise_scope(title)
    b.click(mark(b, f"const w = (function() {{ {scope} }})(); "
                    "return w && [...w.querySelectorAll('button')].find(x => norm(x.textContent) === arguments[0]);",
                 f"the {button} button of {title!r}", button))
    wait_for(b, f"""const w = (function() {{ {scope} }})();
                    const f = w && w.querySelector('.ssr-feedback');
                    const t = f ? norm(f.textContent) : '';
                    return t.includes(arguments[0]) && t.includes(arguments[1]);""",
             f"the feedback of {title!r}: {summary!r}", summary, also)

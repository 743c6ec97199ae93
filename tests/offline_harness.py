"""Serve a built offline site on 127.0.0.1 and open it in headless Debian Chromium with every other request
blocked and counted (used by tests/test_offline.py and benchmarks/offline_site.py).

Two independent counts, so that nothing leaves unseen:

- the browser's proxy is a small server of ours on 127.0.0.1 that refuses every request and writes down its
  host: Chromium sends it everything not for the loopback address, from pages, workers and service workers
  alike, and nothing reaches the network;
- Playwright's request events, which list every URL the browser asked for, loopback or not.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import socket
import socketserver
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .lab_harness import CHROMIUM, CHROMIUM_ARGS

#: Chromium's own calls home (updates, sign-in, autofill, safe browsing), which are not the site's: turned off, so
#: that the proxy's count is the site's alone and can be asserted to be zero.
QUIET_CHROMIUM_ARGS = [
    "--disable-features=AutofillServerCommunication,OptimizationHints,MediaRouter,DialMediaRouteProvider,Translate,"
    "CertificateTransparencyComponentUpdater,InterestFeedContentSuggestions,PrivacySandboxSettings4",
    "--disable-default-apps", "--disable-domain-reliability", "--disable-client-side-phishing-detection",
    "--disable-breakpad", "--no-pings", "--no-default-browser-check", "--metrics-recording-only",
    "--safebrowsing-disable-auto-update", "--disable-signin-promo", "--disable-extensions",
]


class _SiteHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {  # noqa: RUF012 - the base class's own attribute
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".wasm": "application/wasm", ".mjs": "text/javascript", ".js": "text/javascript",
        ".json": "application/json", ".whl": "application/octet-stream",
    }

    def log_message(self, format, *args):
        pass


class _Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


@contextlib.contextmanager
def serve_site(folder: Path) -> Iterator[str]:
    """A static web server for ``folder`` on 127.0.0.1 (any free port); yields its base URL."""
    server = _Server(("127.0.0.1", 0), functools.partial(_SiteHandler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class BlockingProxy:
    """An HTTP proxy on 127.0.0.1 that answers every request with 403 and keeps its target."""

    port: int = 0
    blocked: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(64)
        self.port = self._sock.getsockname()[1]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        self._sock.settimeout(0.2)
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(2)
                try:
                    line = conn.recv(4096).split(b"\r\n", 1)[0].decode("latin-1")
                except OSError:
                    line = "?"
                if line:
                    self.blocked.append(line)
                with contextlib.suppress(OSError):
                    conn.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._sock.close()


@dataclass
class OfflineBrowser:
    page: object
    context: object
    proxy: BlockingProxy
    requested: list[str]
    base: str

    def outside(self) -> list[str]:
        """Every request that was not for the site on 127.0.0.1, whichever way it was seen."""
        seen = [u for u in self.requested if not u.startswith(("http://127.0.0.1:", "blob:", "data:"))]
        return seen + [f"proxy: {line}" for line in self.proxy.blocked]


@contextlib.contextmanager
def offline_browser(base: str, viewport: tuple[int, int] = (1280, 1600), *,
                    downloads: Path | None = None) -> Iterator[OfflineBrowser]:
    """Headless Chromium whose only network is ``base`` (a site on 127.0.0.1)."""
    from playwright.sync_api import sync_playwright

    proxy = BlockingProxy()
    # Chromium never proxies the loopback address (its implicit bypass rule): the site is reached directly, any
    # other address goes to the refusing proxy, including names it would otherwise resolve first.
    args = [*CHROMIUM_ARGS, *QUIET_CHROMIUM_ARGS, f"--proxy-server=http://127.0.0.1:{proxy.port}"]
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=args)
            try:
                context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]},
                                              accept_downloads=True)
                requested: list[str] = []
                context.on("request", lambda r: requested.append(r.url))
                page = context.new_page()
                page.set_default_timeout(60_000)
                yield OfflineBrowser(page, context, proxy, requested, base)
            finally:
                browser.close()
    finally:
        proxy.close()

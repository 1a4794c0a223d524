"""A minimal Chrome DevTools Protocol client over --remote-debugging-pipe.

Chromium reads commands on fd 3 and writes replies and events on fd 4, each
message a JSON text followed by a NUL byte: no WebSocket, no extra package.
"""

import fcntl
import json
import os
import select
import subprocess
import time

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--remote-debugging-pipe"]


class Chromium:
    def __init__(self, binary, profile_dir):
        to_browser_r, to_browser_w = os.pipe()
        from_browser_r, from_browser_w = os.pipe()
        # Park the child's ends above 100 so that moving them to 3 and 4 cannot clobber either.
        child_in = fcntl.fcntl(to_browser_r, fcntl.F_DUPFD, 100)
        child_out = fcntl.fcntl(from_browser_w, fcntl.F_DUPFD, 100)
        for fd in (to_browser_r, from_browser_w):
            os.close(fd)

        def move_pipes():
            os.dup2(child_in, 3)
            os.dup2(child_out, 4)

        self.proc = subprocess.Popen([binary, *FLAGS, f"--user-data-dir={profile_dir}", "about:blank"],
                                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL, preexec_fn=move_pipes, pass_fds=(3, 4))
        os.close(child_in)
        os.close(child_out)
        self.writer = os.fdopen(to_browser_w, "wb", buffering=0)
        self.reader = os.fdopen(from_browser_r, "rb", buffering=0)
        self.buffer = b""
        self.next_id = 0
        self.events = []

    def close(self):
        try:
            self.send("Browser.close")
        except Exception:
            pass
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.writer.close()
        self.reader.close()

    def _read_message(self, timeout=30):
        deadline = time.monotonic() + timeout
        while b"\0" not in self.buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([self.reader], [], [], remaining)[0]:
                raise TimeoutError("no message from chromium")
            chunk = self.reader.read(65536)
            if not chunk:
                raise RuntimeError("chromium closed the DevTools pipe")
            self.buffer += chunk
        message, _, self.buffer = self.buffer.partition(b"\0")
        return json.loads(message)

    def send(self, method, params=None, session=None):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        self.writer.write(json.dumps(message).encode() + b"\0")
        while True:
            reply = self._read_message()
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait_event(self, method, session, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for i, ev in enumerate(self.events):
                if ev.get("method") == method and ev.get("sessionId") == session:
                    del self.events[: i + 1]
                    return ev
            self.events.append(self._read_message(max(deadline - time.monotonic(), 0.01)))
        raise TimeoutError(method)

    def open_tab(self):
        """A page in a fresh browser context (its own cookie jar): (session, context)."""
        context = self.send("Target.createBrowserContext")["browserContextId"]
        target = self.send("Target.createTarget", {"url": "about:blank", "browserContextId": context})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        self.send("Page.enable", session=session)
        return session, context

    def navigate(self, session, url):
        self.events.clear()
        self.send("Page.navigate", {"url": url}, session=session)
        self.wait_event("Page.loadEventFired", session)

    def outer_html(self, session):
        root = self.send("DOM.getDocument", {"depth": 0}, session=session)["root"]["nodeId"]
        return self.send("DOM.getOuterHTML", {"nodeId": root}, session=session)["outerHTML"]

    def cookies(self, context):
        return self.send("Storage.getCookies", {"browserContextId": context})["cookies"]

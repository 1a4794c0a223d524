"""Starts Debian's nginx on 127.0.0.1 with a given http{} body, in a
temporary prefix, and stops it: shared by the module's tests and its
benchmark."""

import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"

MAIN = """
load_module {module};
worker_processes 1;
daemon off;
user root;
error_log {dir}/error.log info;
pid {dir}/nginx.pid;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {dir}/tmp/body;
    proxy_temp_path {dir}/tmp/proxy;
    fastcgi_temp_path {dir}/tmp/fastcgi;
    uwsgi_temp_path {dir}/tmp/uwsgi;
    scgi_temp_path {dir}/tmp/scgi;
    types {{ text/html html; application/json json; }}
    default_type application/octet-stream;
    server {{
        listen 127.0.0.1:{port};
        root {dir}/www;
{locations}
    }}
}}
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Nginx:
    """nginx serving files put in `self.www`, with `locations` (format
    fields: {dir} the prefix, plus `fields`) inside its one server block."""

    def __init__(self, module: str, locations: str, files: dict, **fields):
        self.dir = Path(tempfile.mkdtemp(prefix="clickref-nginx-"))
        (self.dir / "tmp").mkdir()
        self.www = self.dir / "www"
        self.www.mkdir()
        for name, body in files.items():
            (self.www / name).write_bytes(body)
        self.port = free_port()
        config = MAIN.format(module=Path(module).resolve(), dir=self.dir, port=self.port,
                             locations=locations.format(dir=self.dir, **fields))
        (self.dir / "nginx.conf").write_text(config)
        self.process = subprocess.Popen([NGINX, "-p", str(self.dir), "-c", str(self.dir / "nginx.conf")],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.process.kill()
                    raise RuntimeError("nginx did not start: " + self.process.stderr.read().decode(errors="replace")
                                       + self.error_log())
                time.sleep(0.05)

    def error_log(self) -> str:
        log = self.dir / "error.log"
        return log.read_text(errors="replace") if log.exists() else ""

    def worker_pid(self) -> int:
        pid = self.process.pid
        return int(Path(f"/proc/{pid}/task/{pid}/children").read_text().split()[0])

    def stop(self) -> list:
        """Stops nginx; returns the alert, crit and emerg lines of its log."""
        self.process.send_signal(signal.SIGQUIT)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        problems = [line for line in self.error_log().splitlines() if re.search(r"\[(alert|crit|emerg)\]", line)]
        shutil.rmtree(self.dir, ignore_errors=True)
        return problems

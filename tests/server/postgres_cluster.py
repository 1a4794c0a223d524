"""A throwaway PostgreSQL 15 cluster for the server tests: initdb and pg_ctl
in a temporary directory, listening only on a Unix socket there (no TCP
port), trust authentication, stopped and deleted afterwards.

PostgreSQL refuses to run as root, so under root (as in CI) the cluster runs
as the `postgres` user that Debian's postgresql package creates.
"""

import hashlib
import os
import pwd
import shutil
import subprocess
import tempfile

PG_BIN = os.environ.get("CLICKREF_PG_BIN", "/usr/lib/postgresql/15/bin")


def available():
    return os.access(os.path.join(PG_BIN, "initdb"), os.X_OK)


class Cluster:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="clickref-pg-")
        self.data = os.path.join(self.dir, "data")
        self.log = os.path.join(self.dir, "postgres.log")
        self.as_user = []
        # The user the cluster runs as: its files, and a tablespace's directory, must be theirs.
        self.owner = pwd.getpwuid(os.geteuid())
        if os.geteuid() == 0:
            self.owner = pwd.getpwnam("postgres")
            os.chown(self.dir, self.owner.pw_uid, self.owner.pw_gid)
            self.as_user = ["runuser", "-u", "postgres", "--"]
        self.databases = set()
        self._pg("initdb", "-D", self.data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C",
                 "--no-sync")
        self.start()

    def _pg(self, program, *args):
        subprocess.run([*self.as_user, os.path.join(PG_BIN, program), *args], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=120)

    def start(self):
        options = "-c listen_addresses='' -c unix_socket_directories='%s' -c port=5432" % self.dir
        self._pg("pg_ctl", "-D", self.data, "-l", self.log, "-w", "-o", options, "start")

    def stop(self):
        self._pg("pg_ctl", "-D", self.data, "-m", "fast", "-w", "stop")

    def close(self):
        try:
            self._pg("pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)

    def uri(self, database, **extra):
        query = "&".join(["host=" + self.dir, "port=5432", "user=postgres"] + ["%s=%s" % kv for kv in extra.items()])
        return "postgresql:///%s?%s" % (database, query)

    def psql(self, sql, database="postgres"):
        """Runs `sql` and returns its rows, each a list of column strings."""
        done = subprocess.run([os.path.join(PG_BIN, "psql"), "-X", "-q", "-At", "-F", "\t", "-v", "ON_ERROR_STOP=1",
                               "-h", self.dir, "-p", "5432", "-U", "postgres", "-d", database, "-c", sql],
                              check=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60, text=True)
        return [line.split("\t") for line in done.stdout.splitlines()]

    def database_name(self, key):
        """The name of a database of its own for `key` (a test's SQLite
        path), created empty on first use."""
        name = "t_" + hashlib.sha1(key.encode()).hexdigest()[:20]
        if name not in self.databases:
            self.psql("CREATE DATABASE %s" % name)
            self.databases.add(name)
        return name

    def drop_database(self, name):
        """Drops `name` (if it exists) and whoever is still connected to it."""
        self.psql("DROP DATABASE IF EXISTS %s WITH (FORCE)" % name)
        self.databases.discard(name)

    def database(self, key):
        """The URI of database_name(key)."""
        return self.uri(self.database_name(key))

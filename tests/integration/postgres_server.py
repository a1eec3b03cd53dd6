"""A throw-away PostgreSQL server for tests: initdb in a temporary directory,
the server on 127.0.0.1 and a free port, trust authentication for the role
`govbus`. initdb and postgres refuse to run as root, so under root they run
as the `postgres` user (Debian's postgresql package creates it)."""

import glob
import os
import pwd
import shutil
import signal
import subprocess
import tempfile

from govbus_harness import free_port, port_open, wait_until


def _bin(name):
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/" + name))
    if not found:
        raise AssertionError("PostgreSQL's %s is not installed: run scripts/bootstrap" % name)
    return found[-1]


class PostgresServer:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="govbus-pg-")
        self.data = os.path.join(self.dir, "data")
        self.port = free_port()
        self.proc = None
        self.as_owner = {}  # under root: run as the postgres user (the process itself, so signals reach it)
        os.mkdir(self.data, 0o700)
        if os.geteuid() == 0:
            owner = pwd.getpwnam("postgres")
            os.chmod(self.dir, 0o755)
            os.chown(self.data, owner.pw_uid, owner.pw_gid)
            self.as_owner = {"user": owner.pw_uid, "group": owner.pw_gid, "extra_groups": [],
                             "env": dict(os.environ, HOME=owner.pw_dir)}
        p = subprocess.run([_bin("initdb"), "-D", self.data, "-U", "govbus", "-A", "trust", "-E", "UTF8",
                            "--locale=C", "--no-sync"], capture_output=True, cwd=self.dir, **self.as_owner)
        if p.returncode != 0:
            raise AssertionError("initdb failed: " + p.stderr.decode())
        self.start()

    def start(self):
        with open(os.path.join(self.dir, "server.log"), "ab") as log:
            self.proc = subprocess.Popen(
                [_bin("postgres"), "-D", self.data, "-p", str(self.port), "-h", "127.0.0.1", "-k", self.data,
                 "-c", "fsync=off"], stdout=log, stderr=log, cwd=self.dir, **self.as_owner)
        wait_until(lambda: self.ready() or self.proc.poll() is not None, 30, "PostgreSQL to accept connections")
        if self.proc.poll() is not None:
            raise AssertionError("PostgreSQL exited at start:\n" + self.log())

    def ready(self):
        return port_open(self.port) and subprocess.run(
            [_bin("pg_isready"), "-h", "127.0.0.1", "-p", str(self.port)], capture_output=True).returncode == 0

    def stop(self):
        """Fast shutdown (SIGINT): open connections are cut, as in a database restart."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def conninfo(self):
        return "host=127.0.0.1 port=%d dbname=postgres user=govbus connect_timeout=5" % self.port

    def psql(self, sql, **variables):
        """Runs `sql` (with :'name' variables) through the psql CLI; rows as lists of fields."""
        args = ["psql", "-X", "-q", "-A", "-t", "-F", "\x1f", "-R", "\x1e", "-v", "ON_ERROR_STOP=1",
                "-h", "127.0.0.1", "-p", str(self.port), "-U", "govbus", "postgres"]
        for k, v in variables.items():
            args += ["-v", "%s=%s" % (k, v)]
        p = subprocess.run(args, input=sql.encode(), capture_output=True, timeout=30)
        if p.returncode != 0:
            raise RuntimeError("psql: " + p.stderr.decode())
        return [r.strip("\n").split("\x1f") for r in p.stdout.decode().split("\x1e") if r.strip("\n")]

    def log(self):
        try:
            with open(os.path.join(self.dir, "server.log"), encoding="utf-8", errors="replace") as f:
                return f.read()[-4000:]
        except OSError:
            return ""

    def close(self):
        self.stop()
        shutil.rmtree(self.dir, True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

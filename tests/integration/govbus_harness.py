"""Test harness for govbus integration tests: writes node configurations for a
national / province / two-city topology on free loopback ports, starts real
govbusd processes, stops or kills them, and speaks AMQP 1.0 to them with
Python Qpid Proton. Only 127.0.0.1 is ever used."""

import json
import os
import random
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from datetime import datetime, timedelta, timezone

from proton import Message
from proton.handlers import MessagingHandler
from proton.utils import BlockingConnection

SOURCE = os.environ.get("GOVBUS_SOURCE_DIR", os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))
BINARY = os.environ.get("GOVBUS_BINARY_DIR", os.path.join(SOURCE, "build"))
GOVBUSD = os.path.join(BINARY, "tools", "govbusd", "govbusd")
GOVBUS = os.path.join(BINARY, "tools", "govbus", "govbus")

NODES = [
    # id, level, region, routes, endpoints, parent
    ("national", "national", "100000", "national.yaml", "endpoints-national.yaml", None),
    ("province-510000", "province", "510000", "province-510000.yaml", "endpoints-province.yaml", "national"),
    ("city-510100", "city", "510100", "city-510100.yaml", "endpoints-city-510100.yaml", "province-510000"),
    ("city-510700", "city", "510700", "city-510700.yaml", "endpoints-city-510700.yaml", "province-510000"),
]


_ports_given = set()
_port_picker = random.SystemRandom()


def _listen_port_range():
    """Ports a listener may take: below the kernel's ephemeral range, or above
    it when there is no room below, so that no outgoing connection's own port
    is ever one of them."""
    low, high = 32768, 60999
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
            low, high = (int(v) for v in f.read().split())
    except (OSError, ValueError):
        pass
    if low - 1024 >= 4096:
        return max(1024, low - 12000), low - 1
    if 65535 - high >= 4096:
        return high + 1, 65535
    return None


def free_port():
    """A TCP port on 127.0.0.1 that was free a moment ago and that this process
    has not handed out before. Taken at random outside the ephemeral range:
    binding port 0 picks from that range, where the same port can come back
    for the next node, or be taken by a connection between the time it is
    picked and the time the node listens on it."""
    span = _listen_port_range()
    for _ in range(1000):
        if span:
            port = _port_picker.randint(*span)
        else:
            with socket.socket() as s:
                s.bind(("127.0.0.1", 0))
                port = s.getsockname()[1]
        if port in _ports_given:
            continue
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        _ports_given.add(port)
        return port
    raise RuntimeError("no free port on 127.0.0.1")


def wait_until(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.02)
    raise AssertionError("timed out after %ss waiting for %s" % (timeout, what))


def port_open(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


def now_rfc3339(delta_seconds=0):
    t = datetime.now(timezone(timedelta(hours=8))) + timedelta(seconds=delta_seconds)
    return t.isoformat(timespec="milliseconds")


def case_number(sequence, region="510000"):
    """govbus case number: region 6 + yyyyMMdd + sequence 6 + ISO 7064 MOD 11-2 check (docs/data-rules.md)."""
    body = region + datetime.now().strftime("%Y%m%d") + "%06d" % sequence
    total = 0
    for i, ch in enumerate(body):
        weight = pow(2, len(body) - i, 11)
        total += int(ch) * weight
    check = (12 - total % 11) % 11
    return body + ("X" if check == 10 else str(check))


class Topology:
    """Four nodes in a temporary directory. Use as a context manager."""

    def __init__(self, extra_config=None, routes=None, node_config=None, endpoints=None, secure=False, adapters=None,
                 delivery=None):
        """routes: {node id: route table file} to use instead of routes/<table>;
        extra_config: {key: YAML value} added to every node's configuration;
        node_config: {node id: {key: YAML value}} added to one node's;
        endpoints: {node id: endpoint registry file} instead of etc/<registry>;
        secure: a deployment PKI made with `govbus pki`, AMQP over TLS with
        client certificates between nodes and endpoints, and every message's
        signature verified (docs/security.md);
        delivery: {key: value} added to every node's delivery block."""
        self.secure = secure
        self.delivery = dict({"backoff_initial_ms": 100, "backoff_max_ms": 1000}, **(delivery or {}))
        self.adapters = adapters or {}  # {node id: YAML lines of extra adapter blocks under adapters:}
        self.node_extra = node_config or {}
        self.endpoints = endpoints or {}
        self.dir = tempfile.mkdtemp(prefix="govbus-it-")
        self.routes = routes or {}
        self.ports = {n[0]: free_port() for n in NODES}
        self.procs = {}
        self.extra = extra_config or {}
        self.pki = os.path.join(self.dir, "pki")
        if secure:
            govbus_checked("pki", "init", "--dir", self.pki, "--suite", "intl")
        for node in NODES:
            self._write_config(*node)

    def url(self, node):
        if self.secure:
            return "amqps://localhost:%d" % self.ports[node]
        return "amqp://127.0.0.1:%d" % self.ports[node]

    def endpoint_credentials(self, endpoint_id, ca=None):
        """(key, cert) of an endpoint certificate issued by this deployment's CA (or by the CA in `ca`)."""
        ca = ca or self.pki
        key, crt = os.path.join(ca, endpoint_id + ".key"), os.path.join(ca, endpoint_id + ".crt")
        if not os.path.exists(crt):
            govbus_checked("pki", "issue", "--dir", ca, "--name", endpoint_id)
        return key, crt

    def endpoint(self, node, endpoint_id, receive=True, credentials=None):
        """An Endpoint connected to `node` as `endpoint_id` (over TLS with its certificate when secure)."""
        if not self.secure:
            return Endpoint(self.url(node), endpoint_id, receive=receive)
        key, crt = credentials or self.endpoint_credentials(endpoint_id)
        return Endpoint(self.url(node), endpoint_id, receive=receive, tls=(os.path.join(self.pki, "ca.crt"), crt, key))

    def sign(self, envelope, endpoint_id, content_type="application/json", credentials=None):
        """The envelope signed by `endpoint_id` with `govbus sign` (bytes)."""
        key, crt = credentials or self.endpoint_credentials(endpoint_id)
        body = json.dumps(envelope, ensure_ascii=False).encode() if isinstance(envelope, dict) else envelope
        p = subprocess.run([GOVBUS, "sign", "--key", key, "--cert", crt, "-"], input=body, capture_output=True)
        if p.returncode != 0:
            raise AssertionError("govbus sign failed: " + p.stderr.decode())
        return p.stdout

    def config(self, node):
        return os.path.join(self.dir, node + ".yaml")

    def journal(self, node):
        return os.path.join(self.dir, "data", node, "journal.db")

    def exchange_log(self, node):
        return os.path.join(self.dir, "data", node, "exchange-log.db")

    def _node_key(self, node):
        """An EC P-256 key and self-signed certificate that sign the node's exchange-log checkpoints."""
        pki = os.path.join(self.dir, "pki")
        os.makedirs(pki, exist_ok=True)
        key, crt = os.path.join(pki, node + ".key"), os.path.join(pki, node + ".crt")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                        "-keyout", key, "-out", crt, "-subj", "/CN=" + node, "-days", "30"],
                       check=True, capture_output=True)
        return key, crt

    def _write_config(self, node, level, region, routes, endpoints, parent):
        if self.secure:
            govbus_checked("pki", "issue", "--dir", self.pki, "--name", node, "--kind", "node",
                           "--host", "localhost", "--host", "127.0.0.1")
            key, crt = os.path.join(self.pki, node + ".key"), os.path.join(self.pki, node + ".crt")
        else:
            key, crt = self._node_key(node)
        lines = [
            "node: { id: %s, level: %s, region: \"%s\", data_dir: data/%s, key: %s, cert: %s }"
            % (node, level, region, node, key, crt),
            "routes: %s" % self.routes.get(node, os.path.join(SOURCE, "routes", routes)),
            "endpoints: %s" % self.endpoints.get(node, os.path.join(SOURCE, "etc", endpoints)),
        ]
        if parent:
            lines.append("parent: { id: %s, url: \"%s\" }" % (parent, self.url(parent)))
        children = [n for n in NODES if n[5] == node]
        if children:
            lines.append("children:")
            for c in children:
                lines.append("  - { id: %s, region: \"%s\", url: \"%s\" }" % (c[0], c[2], self.url(c[0])))
        if self.secure:
            # transport_crl: the listener also refuses revoked client certificates in the handshake.
            crl = ", crl: %s" % os.path.join(self.pki, "crl.pem") if getattr(self, "transport_crl", False) else ""
            lines.append("adapters:\n  amqp: { listen: \"127.0.0.1:%d\", tls: { ca: %s, cert: %s, key: %s%s } }"
                         % (self.ports[node], os.path.join(self.pki, "ca.crt"), crt, key, crl))
        else:
            lines.append("adapters:\n  amqp: { listen: \"127.0.0.1:%d\", plain: true }" % self.ports[node])
        for extra in self.adapters.get(node, []):
            lines.append("  " + extra)
        if self.secure:
            lines.append("security: { trust: [%s], crl: [%s] }" % (
                ", ".join(self.trust_files()), ", ".join(self.crl_files())))
        lines.append("delivery: { %s }" % ", ".join("%s: %s" % kv for kv in self.delivery.items()))
        lines.append("log_level: %s" % os.environ.get("GOVBUS_TEST_LOG_LEVEL", "info"))
        for k, v in list(self.extra.items()) + list(self.node_extra.get(node, {}).items()):
            lines.append("%s: %s" % (k, v))
        with open(self.config(node), "w") as f:
            f.write("\n".join(lines) + "\n")

    def trust_files(self):
        """CA certificates every node trusts: this deployment's, and those of extra CA dirs in self.extra_cas."""
        return [os.path.join(d, "ca.crt") for d in [self.pki] + getattr(self, "extra_cas", [])]

    def crl_files(self):
        govbus_checked("pki", "crl", "--dir", self.pki)
        return [os.path.join(d, "crl.pem") for d in [self.pki] + getattr(self, "extra_cas", [])]

    def start(self, node, *args):
        """Starts `node`'s govbusd, with `args` after its --config."""
        with open(os.path.join(self.dir, node + ".log"), "ab") as log:
            self.procs[node] = subprocess.Popen([GOVBUSD, "--config", self.config(node), *args], stdout=log,
                                                stderr=log)
        wait_until(lambda: port_open(self.ports[node]) or self.procs[node].poll() is not None, 20, node + " to listen")
        if self.procs[node].poll() is not None:
            raise AssertionError("%s exited at start:\n%s" % (node, self.log(node)))

    def start_all(self):
        """Starts every node; when one fails, stops those already running
        (a setUpClass that raises gets no tearDownClass) and raises."""
        try:
            for node in self.ports:
                self.start(node)
        except BaseException:
            for node in list(self.procs):
                self.stop(node)
            raise

    def stop(self, node):
        p = self.procs.pop(node, None)
        if p and p.poll() is None:
            p.send_signal(signal.SIGTERM)
            try:
                p.wait(15)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()

    def signal(self, node, sig):
        self.procs[node].send_signal(sig)

    def kill9(self, node):
        p = self.procs.pop(node)
        p.kill()  # SIGKILL
        p.wait()

    def log(self, node):
        try:
            with open(os.path.join(self.dir, node + ".log"), errors="replace") as f:
                return f.read()[-4000:]
        except OSError:
            return ""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        for node in list(self.procs):
            self.stop(node)
        if exc[0] is None and not os.environ.get("GOVBUS_KEEP_TEST_DIRS"):
            shutil.rmtree(self.dir, ignore_errors=True)
        elif exc[0] is not None:
            print("test directory kept: " + self.dir)
            for node in self.ports:
                print("---- %s log tail ----\n%s" % (node, self.log(node)))


class Endpoint:
    """A Python Proton client acting as one endpoint (docs/integrator.md):
    sends to govbus/in, receives from govbus/out/<id>."""

    def __init__(self, url, endpoint_id, receive=True, timeout=20, tls=None):
        """tls: (ca, cert, key) to connect with a client certificate and SASL EXTERNAL."""
        self.id = endpoint_id
        if tls:
            self.conn = BlockingConnection(url, timeout=timeout, ssl_domain=client_tls(*tls), allowed_mechs="EXTERNAL")
        else:
            self.conn = BlockingConnection(url, timeout=timeout)
        self.sender = self.conn.create_sender("govbus/in")
        self.receiver = self.conn.create_receiver("govbus/out/" + endpoint_id, credit=50) if receive else None

    def send(self, envelope, content_type="application/json"):
        body = json.dumps(envelope, ensure_ascii=False).encode() if isinstance(envelope, dict) else envelope
        self.sender.send(Message(body=body, content_type=content_type, durable=True))

    def receive(self, timeout=20):
        """The next message as (envelope dict or raw bytes, content type); accepts it."""
        m = self.receiver.receive(timeout=timeout)
        self.receiver.accept()
        body = m.body if isinstance(m.body, (bytes, bytearray)) else str(m.body).encode()
        if body.lstrip()[:1] == b"{":
            return json.loads(body), m.content_type
        return body, m.content_type

    def close(self):
        self.conn.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class DispositionRecorder(MessagingHandler):
    """Sends messages on ONE link and records each disposition with its error
    condition: outcomes[name] = ("accepted" | "rejected" | "released", condition name or None).
    messages: (name, body) or (name, body, content type); JSON when not given.
    tls: (ca, cert, key) to connect with a client certificate (SASL EXTERNAL),
    or (ca, None, None) for TLS without one; a refused connection leaves
    transport_error. Run it with proton.reactor.Container(recorder).run()."""

    def __init__(self, url, messages, tls=None):
        super().__init__(auto_settle=True)
        self.url, self.messages, self.tls, self.outcomes = url, messages, tls, {}
        self.transport_error = None

    def on_start(self, event):
        if self.tls:
            self.conn = event.container.connect(self.url, ssl_domain=client_tls(*self.tls), reconnect=False,
                                                allowed_mechs="EXTERNAL" if self.tls[1] else "ANONYMOUS")
        else:
            self.conn = event.container.connect(self.url)
        self.sender = event.container.create_sender(self.conn, "govbus/in")
        self.sent = 0

    def on_sendable(self, event):
        while event.sender.credit and self.sent < len(self.messages):
            name, body, content_type = (tuple(self.messages[self.sent]) + ("application/json",))[:3]
            d = event.sender.send(Message(body=body, content_type=content_type))
            d.tag_name = name
            self.sent += 1

    def settled(self, event, outcome):
        cond = event.delivery.remote.condition
        self.outcomes[event.delivery.tag_name] = (outcome, cond.name if cond else None)
        if len(self.outcomes) == len(self.messages):
            self.conn.close()

    def on_transport_error(self, event):
        cond = event.transport.condition
        self.transport_error = cond.description if cond else "transport closed"
        if event.connection:
            event.connection.close()

    def on_accepted(self, event):
        self.settled(event, "accepted")

    def on_rejected(self, event):
        self.settled(event, "rejected")

    def on_released(self, event):
        self.settled(event, "released")


def collect_results(endpoint, expected, timeout=90):
    """case.result envelopes arriving at `endpoint` ({case number: envelope}),
    until `expected` case numbers have one or `timeout` seconds pass."""
    results, deadline = {}, time.time() + timeout
    while len(results) < expected and time.time() < deadline:
        try:
            env, _ = endpoint.receive(timeout=5)
        except Exception:
            continue
        if isinstance(env, dict) and env["header"]["type"] == "case.result":
            results[env["header"]["caseNumber"]] = env
    return results


def case_apply(seq, region="510104", department="market", source="sc.portal"):
    created = now_rfc3339()
    return {
        "header": {
            "id": str(uuid.uuid4()),
            "caseNumber": case_number(seq),
            "type": "case.apply",
            "schemaVersion": "1.0",
            "source": source,
            "destination": {"region": region, "department": department},
            "region": region,
            "itemCode": "511A0138000000-511602000000-000-115113010833722043-1-00",
            "created": created,
        },
        "payload": {
            "applicant": {"naturalPerson": {"name": "张三", "idNumber": "510104199001011230", "phone": "13812345678"}},
            "item": {"code": "511A0138000000-511602000000-000-115113010833722043-1-00", "name": "个体工商户设立登记"},
            "formData": {"经营场所": "成都市锦江区红星路二段"},
            "materials": [{"name": "身份证明", "digest": {"algorithm": "SM3",
                           "value": "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"}}],
            "submitted": created,
        },
    }


def case_answer(apply, type_, source):
    """A department's case.accept / case.process / case.result for a case it received."""
    h = apply["header"]
    created = now_rfc3339()
    payloads = {
        "case.accept": {"decision": "accepted", "department": "市场监督管理局", "handler": "李四", "time": created},
        "case.process": {"step": "审查", "department": "市场监督管理局", "handler": "王五", "opinion": "材料齐全", "time": created},
        "case.result": {"outcome": "approved", "time": created, "licences": [], "documents": []},
    }
    return {
        "header": {
            "id": str(uuid.uuid4()),
            "correlationId": h["id"],
            "caseNumber": h["caseNumber"],
            "type": type_,
            "schemaVersion": "1.0",
            "source": source,
            "destination": {"endpoint": h["source"]},
            "region": h["region"],
            "created": created,
        },
        "payload": payloads[type_],
    }


def client_tls(ca, cert=None, key=None):
    """A Proton client SSL domain trusting `ca`, presenting cert/key when given."""
    from proton import SSLDomain
    domain = SSLDomain(SSLDomain.MODE_CLIENT)
    domain.set_trusted_ca_db(ca)
    domain.set_peer_authentication(SSLDomain.VERIFY_PEER_NAME)
    if cert:
        domain.set_credentials(cert, key, None)
    return domain


def govbus_checked(*args):
    rc, out = govbus(*args)
    if rc != 0:
        raise AssertionError("govbus %s failed:\n%s" % (" ".join(args), out))
    return out


def govbus(*args, timeout=60):
    """Runs the govbus CLI; returns (exit status, stdout + stderr)."""
    p = subprocess.run([GOVBUS] + list(args), capture_output=True, text=True, timeout=timeout)
    return p.returncode, p.stdout + p.stderr


def audit_records(log, *args):
    """The records `govbus audit search --log LOG ARGS` finds, as dicts."""
    out = govbus_checked("audit", "search", "--log", log, *args, "--format", "json")
    return [json.loads(line) for line in out.splitlines() if line.startswith("{")]

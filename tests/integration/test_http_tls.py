"""The HTTP adapter over TLS with client certificates (adapters/http): the
node pushes cases to an HTTPS department that requires the node's client
certificate, a second department fetches its cases over HTTPS, and both send
signed results back. The caller is the CN of its certificate: a request
without one, with one from an untrusted CA, or naming another endpoint than
its certificate never gets a message in or out. With `tls.crl` on both
listeners, a revoked certificate is refused in the handshake, from the next
connection after the CRL is published."""

import http.server
import json
import os
import re
import shutil
import ssl
import subprocess
import tempfile
import threading
import time
import unittest
import urllib.error
import urllib.request

from govbus_harness import GOVBUSD, SOURCE, Topology, case_answer, case_apply, collect_results, free_port, govbus_checked

CASES = 6


def tls_client(ca, creds=None):
    ctx = ssl.create_default_context(cafile=ca)
    if creds:
        key, crt = creds
        ctx.load_cert_chain(crt, key)
    return ctx


def request(url, ctx, body=None, method=None, headers=None):
    """(status, body bytes); OSError when TLS refuses the connection."""
    h = {"Content-Type": "application/json"} if body is not None else {}
    h.update(headers or {})
    req = urllib.request.Request(url, data=body, method=method, headers=h)
    try:
        with urllib.request.urlopen(req, timeout=10, context=ctx) as r:
            return r.status, r.read(), r.headers
    except urllib.error.HTTPError as e:
        return e.code, e.read(), e.headers


class HttpsDepartment(http.server.ThreadingHTTPServer):
    """cd.market: an HTTPS server that takes cases only from a client holding a
    certificate of the deployment's CA, and answers each with a signed result."""

    def __init__(self, topo, node_base, ca):
        self.topo, self.node_base, self.ca = topo, node_base, ca
        self.seen, self.callers, self.lock = set(), set(), threading.Lock()
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive: the node reuses its TLS connections

            def log_message(self, *a):
                pass

            def do_POST(self):
                cn = dict(x[0] for x in self.connection.getpeercert()["subject"])["commonName"]
                case = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()
                with outer.lock:
                    outer.callers.add(cn)
                    fresh = case["header"]["id"] not in outer.seen
                    outer.seen.add(case["header"]["id"])
                if fresh:
                    threading.Thread(target=outer.answer, args=(case,), daemon=True).start()

        super().__init__(("127.0.0.1", 0), Handler)
        key, crt = topo.endpoint_credentials("cd.market")
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(crt, key)
        ctx.load_verify_locations(ca)
        ctx.verify_mode = ssl.CERT_REQUIRED
        self.socket = ctx.wrap_socket(self.socket, server_side=True)

    def answer(self, case):
        body = self.topo.sign(case_answer(case, "case.result", "cd.market"), "cd.market")
        ctx = tls_client(self.ca, self.topo.endpoint_credentials("cd.market"))
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                if request(self.node_base + "/v1/messages", ctx, body, "POST")[0] == 202:
                    return
            except OSError:
                pass
            time.sleep(0.2)


class HttpTls(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="govbus-https-")
        cls.http_port = free_port()
        cls.base = "https://127.0.0.1:%d" % cls.http_port
        cls.topo = Topology(secure=True)
        topo = cls.topo
        cls.ca = os.path.join(topo.pki, "ca.crt")
        # cd.market's certificate also serves its HTTPS site at 127.0.0.1.
        govbus_checked("pki", "issue", "--dir", topo.pki, "--name", "cd.market", "--host", "127.0.0.1")
        cls.market = HttpsDepartment(topo, cls.base, cls.ca)
        threading.Thread(target=cls.market.serve_forever, daemon=True).start()
        with open(os.path.join(SOURCE, "etc", "endpoints-city-510100.yaml"), encoding="utf-8") as f:
            text = f.read()
        text = re.sub(r"(  - id: cd\.market\n(?:    .*\n)*?)    adapter: amqp\n",
                      r"\1    adapter: http\n    url: https://127.0.0.1:%d/cases\n" % cls.market.server_port, text)
        text = re.sub(r"(  - id: cd\.civil\n(?:    .*\n)*?)    adapter: amqp\n", r"\1    adapter: http\n", text)
        cls.registry = os.path.join(cls.tmp, "endpoints.yaml")
        with open(cls.registry, "w", encoding="utf-8") as f:
            f.write(text)
        node_key, node_crt = os.path.join(topo.pki, "city-510100.key"), os.path.join(topo.pki, "city-510100.crt")
        cls.http_block = ("http: { listen: \"127.0.0.1:%d\", timeout_ms: 2000, tls: { ca: %s, cert: %s, key: %s, "
                          "crl: %s } }" % (cls.http_port, cls.ca, node_crt, node_key, os.path.join(topo.pki, "crl.pem")))
        topo.transport_crl = True
        topo.endpoints = {"city-510100": cls.registry}
        topo.adapters = {"city-510100": [cls.http_block]}
        spec = [n for n in __import__("govbus_harness").NODES if n[0] == "city-510100"][0]
        topo._write_config(*spec)
        topo.start_all()

    @classmethod
    def tearDownClass(cls):
        cls.market.shutdown()
        cls.topo.__exit__(None, None, None)
        shutil.rmtree(cls.tmp, True)

    def creds(self, endpoint_id):
        return tls_client(self.ca, self.topo.endpoint_credentials(endpoint_id))

    def test_cases_go_out_and_signed_results_come_back_over_https(self):
        topo = self.topo
        portal = topo.endpoint("province-510000", "sc.portal")
        stop = threading.Event()

        def civil_department():
            ctx, seen = self.creds("cd.civil"), set()
            url = self.base + "/v1/endpoints/cd.civil/messages"
            while not stop.is_set():
                try:
                    status, body, headers = request(url + "?wait=2", ctx)
                    if status != 200:
                        continue
                    case = json.loads(body)
                    if case["header"]["id"] not in seen:
                        seen.add(case["header"]["id"])
                        result = topo.sign(case_answer(case, "case.result", "cd.civil"), "cd.civil")
                        # No Govbus-Endpoint header: the certificate says who is calling.
                        self.assertEqual(request(self.base + "/v1/messages", ctx, result, "POST")[0], 202)
                    request(url + "/" + headers["Govbus-Delivery-Id"], ctx, method="DELETE")
                except OSError:
                    time.sleep(0.2)

        civil = threading.Thread(target=civil_department, daemon=True)
        civil.start()
        try:
            sent = set()
            for i in range(CASES):
                apply = case_apply(900 + i, department="market" if i % 2 == 0 else "civil")
                portal.send(topo.sign(apply, "sc.portal"))
                sent.add(apply["header"]["caseNumber"])
            results = collect_results(portal, CASES, timeout=60)
            self.assertEqual(set(results), sent)
            self.assertEqual(sorted({env["security"]["signer"] for env in results.values()}), ["cd.civil", "cd.market"])
            # The department saw the node's certificate on every push.
            self.assertEqual(self.market.callers, {"node:city-510100"})
        finally:
            stop.set()
            portal.close()

    def test_callers_are_their_certificates(self):
        topo = self.topo
        body = topo.sign(case_apply(950, source="cd.market"), "cd.market")
        # No client certificate, or one from a CA the node does not trust: TLS refuses.
        with self.assertRaises(OSError):
            request(self.base + "/v1/messages", tls_client(self.ca), body, "POST")
        stranger = os.path.join(topo.dir, "pki-stranger")
        govbus_checked("pki", "init", "--dir", stranger)
        with self.assertRaises(OSError):
            request(self.base + "/v1/messages", tls_client(self.ca, topo.endpoint_credentials("cd.market", stranger)),
                    body, "POST")
        market = self.creds("cd.market")
        # A header that names another endpoint than the certificate.
        status, doc, _ = request(self.base + "/v1/messages", market, body, "POST", {"Govbus-Endpoint": "cd.civil"})
        self.assertEqual((status, json.loads(doc)["code"]), (403, "auth.identity_mismatch"))
        # A message whose source is not the caller.
        civil_msg = topo.sign(case_answer(case_apply(951), "case.result", "cd.civil"), "cd.civil")
        status, doc, _ = request(self.base + "/v1/messages", market, civil_msg, "POST")
        self.assertEqual((status, json.loads(doc)["code"]), (403, "auth.identity_mismatch"))
        # Another endpoint's messages.
        status, doc, _ = request(self.base + "/v1/endpoints/cd.civil/messages", market)
        self.assertEqual((status, json.loads(doc)["code"]), (403, "auth.identity_mismatch"))

    def test_a_revoked_certificate_is_refused_in_the_handshake(self):
        topo = self.topo
        gone = self.creds("cd.gone")  # issued by the deployment CA, never registered
        status, _, _ = request(self.base + "/v1/endpoints/cd.gone/messages", gone)
        self.assertEqual(status, 404)  # through TLS; refused by the node (no such endpoint), not the handshake
        topo.endpoint("city-510100", "cd.gone", receive=False).close()  # the AMQP listener lets it connect
        govbus_checked("pki", "revoke", "--dir", topo.pki, "--name", "cd.gone", "--reason", "keyCompromise")
        govbus_checked("pki", "crl", "--dir", topo.pki)
        # The next connection on either listener, without a restart.
        with self.assertRaises(OSError):
            request(self.base + "/v1/endpoints/cd.gone/messages", self.creds("cd.gone"))
        with self.assertRaises(Exception):
            topo.endpoint("city-510100", "cd.gone", receive=False)
        # Others keep connecting.
        status, _, _ = request(self.base + "/v1/endpoints/cd.civil/messages?wait=0", self.creds("cd.civil"))
        self.assertIn(status, (200, 204))
        topo.endpoint("city-510100", "cd.market", receive=False).close()
        # The node says why, for each listener.
        log = topo.log("city-510100")
        self.assertRegex(log, r"amqp: .*certificate verify failed")
        self.assertRegex(log, r"http: TLS handshake with 127\.0\.0\.1 failed: certificate verify failed")

    def test_a_plain_url_beside_tls_is_refused_by_check_and_at_start(self):
        with open(self.registry, encoding="utf-8") as f:
            text = f.read().replace("url: https://", "url: http://")
        registry = os.path.join(self.tmp, "plain-url.yaml")
        with open(registry, "w", encoding="utf-8") as f:
            f.write(text)
        with open(self.topo.config("city-510100"), encoding="utf-8") as f:
            config = f.read().replace(self.registry, registry)
        # Its own AMQP port, so the node gets as far as the HTTP adapter.
        config = config.replace("127.0.0.1:%d" % self.topo.ports["city-510100"], "127.0.0.1:%d" % free_port())
        path = os.path.join(self.tmp, "plain-url-node.yaml")
        with open(path, "w", encoding="utf-8") as f:
            f.write(config)
        # govbusd --check finds it without starting anything; a start refuses it too.
        for args in (["--check"], []):
            p = subprocess.run([GOVBUSD, "--config", path] + args, capture_output=True, timeout=30)
            self.assertEqual(p.returncode, 1, args)
            self.assertIn("endpoint 'cd.market'", p.stderr.decode(), args)
            self.assertIn("give an https:// url", p.stderr.decode(), args)


if __name__ == "__main__":
    unittest.main()

"""Department systems that speak HTTP (adapters/http): one the node pushes
cases to (it answers 503 once, so the node retries), one that fetches its
cases by long poll and acknowledges them; both send results back by POST.
Bad requests get RFC 9457 problem documents with the reason code, and a
`kill -9` of the node in the middle of the run loses nothing."""

import http.server
import json
import os
import re
import shutil
import tempfile
import threading
import time
import unittest
import urllib.error
import urllib.request

from govbus_harness import SOURCE, Topology, case_answer, case_apply, collect_results, free_port

CASES = 40


def post(base, endpoint, body, content_type="application/json"):
    req = urllib.request.Request(base + "/v1/messages", data=body, method="POST",
                                 headers={"Content-Type": content_type, "Govbus-Endpoint": endpoint})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()
    except OSError:
        return None, b""


class PushDepartment(http.server.ThreadingHTTPServer):
    """cd.market: takes cases the node POSTs (503 to the first try of each), answers with a result."""

    def __init__(self, node_base):
        self.node_base, self.seen, self.tries, self.lock = node_base, set(), {}, threading.Lock()
        self.connections = set()  # client addresses the node's requests came from
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive: the node reuses its connections

            def log_message(self, *a):
                pass

            def do_POST(self):
                with outer.lock:
                    outer.connections.add(self.client_address)
                body = self.rfile.read(int(self.headers["Content-Length"]))
                case = json.loads(body)
                cid = case["header"]["id"]
                with outer.lock:
                    outer.tries[cid] = outer.tries.get(cid, 0) + 1
                    first = outer.tries[cid] == 1
                self.send_response(503 if first else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()
                if first:
                    return
                with outer.lock:
                    fresh = cid not in outer.seen
                    outer.seen.add(cid)
                if fresh:
                    threading.Thread(target=outer.answer, args=(case,), daemon=True).start()

        super().__init__(("127.0.0.1", 0), Handler)

    def answer(self, case):
        body = json.dumps(case_answer(case, "case.result", "cd.market"), ensure_ascii=False).encode()
        deadline = time.time() + 60
        while time.time() < deadline:
            status, _ = post(self.node_base, "cd.market", body)
            if status == 202:
                return
            time.sleep(0.2)


class PollDepartment(threading.Thread):
    """cd.civil: fetches its cases by long poll, acknowledges them, answers with a result."""

    def __init__(self, node_base):
        super().__init__(daemon=True)
        self.node_base, self.seen, self.fetched, self.stop = node_base, set(), 0, False

    def run(self):
        while not self.stop:
            req = urllib.request.Request(self.node_base + "/v1/endpoints/cd.civil/messages?wait=2",
                                         headers={"Govbus-Endpoint": "cd.civil"})
            try:
                with urllib.request.urlopen(req, timeout=10) as r:
                    if r.status != 200:
                        continue
                    delivery, case = r.headers["Govbus-Delivery-Id"], json.loads(r.read())
            except (OSError, urllib.error.HTTPError):
                time.sleep(0.2)
                continue
            self.fetched += 1
            if case["header"]["id"] not in self.seen:
                self.seen.add(case["header"]["id"])
                body = json.dumps(case_answer(case, "case.result", "cd.civil"), ensure_ascii=False).encode()
                while post(self.node_base, "cd.civil", body)[0] != 202 and not self.stop:
                    time.sleep(0.2)
            ack = urllib.request.Request(self.node_base + "/v1/endpoints/cd.civil/messages/" + delivery,
                                         method="DELETE", headers={"Govbus-Endpoint": "cd.civil"})
            try:
                urllib.request.urlopen(ack, timeout=10).close()
            except (OSError, urllib.error.HTTPError):
                pass


class HttpAdapter(unittest.TestCase):
    def test_push_and_poll_departments_over_http_across_a_kill_9(self):
        tmp = tempfile.mkdtemp(prefix="govbus-http-")
        self.addCleanup(shutil.rmtree, tmp, True)
        http_port = free_port()
        base = "http://127.0.0.1:%d" % http_port
        market = PushDepartment(base)
        threading.Thread(target=market.serve_forever, daemon=True).start()
        self.addCleanup(market.shutdown)
        with open(os.path.join(SOURCE, "etc", "endpoints-city-510100.yaml"), encoding="utf-8") as f:
            text = f.read()
        text = re.sub(r"(  - id: cd\.market\n(?:    .*\n)*?)    adapter: amqp\n",
                      r"\1    adapter: http\n    url: http://127.0.0.1:%d/cases\n" % market.server_port, text)
        text = re.sub(r"(  - id: cd\.civil\n(?:    .*\n)*?)    adapter: amqp\n", r"\1    adapter: http\n", text)
        registry = os.path.join(tmp, "endpoints.yaml")
        with open(registry, "w", encoding="utf-8") as f:
            f.write(text)
        with Topology(endpoints={"city-510100": registry},
                      adapters={"city-510100": ["http: { listen: \"127.0.0.1:%d\", plain: true, timeout_ms: 2000 }"
                                                % http_port]}) as topo:
            topo.start_all()
            civil = PollDepartment(base)
            civil.start()
            portal = topo.endpoint("province-510000", "sc.portal")
            try:
                # Bad requests: problem documents naming the reason.
                status, body = post(base, "cd.market", b'{"header": ')
                self.assertEqual(status, 400)
                doc = json.loads(body)
                self.assertEqual(doc["code"], "json.malformed")
                self.assertEqual(doc["type"], "urn:govbus:reason:json.malformed")
                status, body = post(base, "cd.market", json.dumps(case_apply(1, source="cd.civil")).encode())
                self.assertEqual((status, json.loads(body)["code"]), (403, "auth.identity_mismatch"))
                req = urllib.request.Request(base + "/v1/endpoints/cd.civil/messages", headers={"Govbus-Endpoint": "cd.market"})
                with self.assertRaises(urllib.error.HTTPError) as denied:
                    urllib.request.urlopen(req, timeout=5)
                self.assertEqual(denied.exception.code, 403)

                sent = []
                for i in range(CASES):
                    apply = case_apply(1000 + i, department="market" if i % 2 == 0 else "civil")
                    portal.send(apply)
                    sent.append(apply["header"]["caseNumber"])
                    if i == CASES // 2:
                        topo.kill9("city-510100")
                        topo.start("city-510100")
                results = set(collect_results(portal, CASES, timeout=120))
                self.assertEqual(results, set(sent), "missing: %s" % sorted(set(sent) - results))
                self.assertEqual(len(market.seen) + len(civil.seen), CASES)
                self.assertTrue(all(n >= 2 for n in market.tries.values()), "every push was retried after its 503")
                # Kept-alive connections carried several requests each (two node processes ran).
                self.assertLess(len(market.connections), sum(market.tries.values()) / 2, market.connections)
                print("push department: %d requests on %d connections for %d cases; poll department: %d fetches for %d cases"
                      % (sum(market.tries.values()), len(market.connections), len(market.seen), civil.fetched,
                         len(civil.seen)))
            finally:
                civil.stop = True
                portal.close()


if __name__ == "__main__":
    unittest.main()

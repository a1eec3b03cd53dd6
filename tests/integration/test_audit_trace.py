"""A case run through three levels is traced end to end from the exchange
logs of the three nodes it passed (`govbus audit trace`), with the time of
each hop between nodes, and every log verifies (`govbus audit verify`)."""

import hashlib
import json
import os
import unittest

from govbus_harness import Endpoint, Topology, case_answer, case_apply, govbus


class AuditTrace(unittest.TestCase):
    def test_one_case_is_traced_across_province_and_city_logs(self):
        with Topology() as topo:
            topo.start_all()
            portal = Endpoint(topo.url("province-510000"), "sc.portal")
            dept = Endpoint(topo.url("city-510100"), "cd.market")
            apply = case_apply(31)
            sent = json.dumps(apply, ensure_ascii=False).encode()
            portal.send(sent)
            got, _ = dept.receive()
            dept.send(case_answer(got, "case.result", "cd.market"))
            back, _ = portal.receive()
            self.assertEqual(back["header"]["caseNumber"], apply["header"]["caseNumber"])
            portal.close()
            dept.close()
            for n in list(topo.procs):
                topo.stop(n)  # flushes each exchange log

            logs = [os.path.join(topo.dir, "data", n, "exchange-log.db")
                    for n in ("national", "province-510000", "city-510100")]
            status, out = govbus("audit", "trace", apply["header"]["caseNumber"], *sum((["--log", l] for l in logs), []),
                                 "--format", "json")
            self.assertEqual(status, 0, out)
            records = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
            nodes = {r["node_id"] for r in records}
            self.assertEqual(nodes, {"province-510000", "city-510100"}, "the national node never saw this case")
            events = [(r["node_id"], r["event"], r["type"]) for r in records]
            # Down: province receives and delivers to the city, which delivers to the department.
            self.assertIn(("province-510000", "delivered", "case.apply"), events)
            self.assertIn(("city-510100", "delivered", "case.apply"), events)
            # Up: the result passes the city and reaches the portal through the province.
            self.assertIn(("city-510100", "received", "case.result"), events)
            self.assertIn(("province-510000", "delivered", "case.result"), events)
            # The province's log holds the digest of the bytes exactly as the portal sent them.
            received = [r for r in records
                        if (r["node_id"], r["event"], r["type"]) == ("province-510000", "received", "case.apply")]
            self.assertEqual(len(received), 1)
            self.assertEqual(received[0]["digest_alg"], "sha256")
            self.assertEqual(received[0]["digest"], hashlib.sha256(sent).hexdigest())
            self.assertEqual(received[0]["size"], len(sent))
            # The time between nodes: from the routing at one node to the receipt at the next.
            def hop(node, type_):
                found = [r for r in records if (r["node_id"], r["event"], r["type"]) == (node, "received", type_)]
                self.assertEqual(len(found), 1, (node, type_))
                return found[0]
            down, up = hop("city-510100", "case.apply"), hop("province-510000", "case.result")
            self.assertEqual(down.get("from_node"), "province-510000", down)
            self.assertEqual(up.get("from_node"), "city-510100", up)
            for r in (down, up):
                self.assertGreaterEqual(r["between_nodes_ms"], 0, r)  # one clock on one machine
            self.assertNotIn("between_nodes_ms", received[0], "the portal is an endpoint, not a node")
            # A delivery records the bytes it sent: the message with this node's hop added.
            delivered = [r for r in records if r["event"] == "delivered" and r["type"] == "case.apply"]
            self.assertEqual(len(delivered), 2)
            for r in delivered:
                self.assertGreater(r["size"], len(sent), r)
                self.assertEqual(r["region"], apply["header"]["region"], r)  # from the journal
            # The department's deliveries are found by its id, as its own messages are.
            status, out = govbus("audit", "search", "--log", logs[2], "--endpoint", "cd.market", "--format", "json")
            self.assertEqual(status, 0, out)
            found = {(r["event"], r["type"]) for r in map(json.loads, out.splitlines()) if r}
            self.assertIn(("delivered", "case.apply"), found)  # destination "endpoint:cd.market"
            self.assertIn(("received", "case.result"), found)  # source "cd.market"
            times = [r["time"] for r in records]
            self.assertEqual(times, sorted(times), "one timeline, ordered by time")
            for log in logs:
                status, out = govbus("audit", "verify", "--log", log)
                self.assertEqual(status, 0, out)


if __name__ == "__main__":
    unittest.main()

"""Request-reply data queries (docs/integrator.md "Data queries"): a query
goes up to the national node and its reply comes back by correlation id; a
query the national share catalogue refuses comes back as a data.reply with
the reason for every key; a query no source answers gets a timeout reply from
the asker's node; a batch over the node's cap is rejected at once."""

import os
import time
import unittest
import uuid

from govbus_harness import SOURCE, DispositionRecorder, Endpoint, Topology, now_rfc3339
from proton.reactor import Container
import json

ID_OK = "11010519491231002X"
ID_BAD = "110105194912310021"


def query(dataset, keys, mode="exact", source="cd.window"):
    return {
        "header": {
            "id": str(uuid.uuid4()),
            "type": "data.query",
            "schemaVersion": "1.0",
            "source": source,
            "destination": {"department": dataset},
            "region": "510104",
            "created": now_rfc3339(),
        },
        "payload": {"mode": mode, "dataset": dataset, "keys": keys, "purpose": "综合窗口核验申请人身份"},
    }


def source_reply(q, source):
    """What a data source answers: a record per valid key, a per-key error otherwise."""
    results = []
    for k in q["payload"]["keys"]:
        if k == ID_BAD:
            results.append({"key": k, "status": "error",
                            "error": {"code": "data.id_number", "message": "check character is 1, expected X"}})
        else:
            results.append({"key": k, "status": "found", "record": {"name": "张三"}})
    return {
        "header": {
            "id": str(uuid.uuid4()),
            "correlationId": q["header"]["id"],
            "type": "data.reply",
            "schemaVersion": "1.0",
            "source": source,
            "destination": {"endpoint": q["header"]["source"]},
            "region": q["header"]["region"],
            "created": now_rfc3339(),
        },
        "payload": {"mode": q["payload"]["mode"], "results": results},
    }


class DataQueries(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.topo = Topology(
            extra_config={"queries": "{ timeout_seconds: 3, max_batch_keys: 5 }"},
            node_config={"national": {"catalogue": os.path.join(SOURCE, "etc", "catalogue-national.yaml")}})
        cls.topo.start_all()
        cls.window = Endpoint(cls.topo.url("city-510100"), "cd.window")
        cls.population = Endpoint(cls.topo.url("national"), "nat.population")

    @classmethod
    def tearDownClass(cls):
        cls.window.close()
        cls.population.close()
        cls.topo.__exit__(None, None, None)

    def reply_to(self, q, timeout=20):
        """The next data.reply for query q at cd.window (other replies are skipped)."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            env, _ = self.window.receive(timeout=max(1, deadline - time.time()))
            if env["header"].get("correlationId") == q["header"]["id"]:
                return env
        self.fail("no reply to %s within %s s" % (q["header"]["id"], timeout))

    def test_a_batch_goes_up_to_the_national_source_and_its_per_key_answers_come_back(self):
        q = query("population", [ID_OK, ID_BAD], mode="batch")
        self.window.send(q)
        got, _ = self.population.receive()
        self.assertEqual(got["header"]["id"], q["header"]["id"])
        self.population.send(source_reply(got, "nat.population"))
        reply = self.reply_to(q)
        statuses = {r["key"]: r["status"] for r in reply["payload"]["results"]}
        self.assertEqual(statuses, {ID_OK: "found", ID_BAD: "error"})
        bad = [r for r in reply["payload"]["results"] if r["key"] == ID_BAD][0]
        self.assertEqual(bad["error"]["code"], "data.id_number")
        self.assertEqual([h["node"] for h in reply["hops"]], ["national", "province-510000", "city-510100"])

    def test_a_dataset_the_catalogue_does_not_share_comes_back_refused_key_by_key(self):
        q = query("credit-blacklist-draft", [ID_OK, "91350100M000100Y43"], mode="batch")
        self.window.send(q)
        reply = self.reply_to(q)
        self.assertEqual(reply["header"]["source"], "national")
        self.assertEqual([r["status"] for r in reply["payload"]["results"]], ["error", "error"])
        self.assertEqual({r["error"]["code"] for r in reply["payload"]["results"]}, {"acl.not_shared"})
        self.assertIn("acl.not_shared", self.topo.log("national"))

    def test_an_endpoint_without_a_grant_is_refused(self):
        q = query("population", [ID_OK], source="cd.window")
        q["header"]["source"] = "cd.civil"  # registered at the city, no grant in the national catalogue
        civil = Endpoint(self.topo.url("city-510100"), "cd.civil")
        try:
            civil.send(q)
            deadline = time.time() + 20
            while time.time() < deadline:
                env, _ = civil.receive(timeout=max(1, deadline - time.time()))
                if env["header"].get("correlationId") == q["header"]["id"]:
                    break
            self.assertEqual(env["payload"]["results"][0]["error"]["code"], "acl.no_grant")
        finally:
            civil.close()

    def test_a_query_no_source_answers_gets_a_timeout_reply_from_the_askers_node(self):
        q = query("legal-person", ["91350100M000100Y43"])  # nat.legal-person is not connected
        started = time.time()
        self.window.send(q)
        reply = self.reply_to(q, timeout=30)
        waited = time.time() - started
        self.assertEqual(reply["header"]["source"], "city-510100")
        self.assertEqual(reply["payload"]["results"][0]["error"]["code"], "query.timeout")
        self.assertGreaterEqual(waited, 2.5)

    def test_a_batch_over_the_nodes_cap_is_rejected_with_its_reason(self):
        q = query("population", [ID_OK] * 6, mode="batch")
        rec = DispositionRecorder(self.topo.url("city-510100"), [("big", json.dumps(q, ensure_ascii=False))])
        Container(rec).run()
        self.assertEqual(rec.outcomes["big"][1], "govbus:query.batch_too_large")


if __name__ == "__main__":
    unittest.main()

"""Bad messages are rejected with their reason code in the AMQP disposition,
and good messages on the same link are not disturbed."""

import json
import os
import unittest

from proton.reactor import Container

from govbus_harness import DispositionRecorder, Endpoint, Topology, case_apply, govbus


class Rejections(unittest.TestCase):
    def test_each_bad_message_gets_its_reason_and_good_ones_pass_on_the_same_link(self):
        with Topology() as topo:
            topo.start_all()
            good1 = case_apply(11)
            good2 = case_apply(12, region="510703", department="civil")
            bad_schema = case_apply(13)
            del bad_schema["header"]["source"]
            unknown_source = case_apply(14, source="sc.nobody")
            bad_id = case_apply(15)
            bad_id["payload"]["applicant"]["naturalPerson"]["idNumber"] = "340524198001010013"
            no_route = case_apply(16, region="440104")  # Guangzhou: no child of the province serves it
            messages = [
                ("good1", json.dumps(good1).encode()),
                ("schema", json.dumps(bad_schema).encode()),
                ("unknown", json.dumps(unknown_source).encode()),
                ("malformed", b'{"header": '),
                ("id_number", json.dumps(bad_id).encode()),
                ("no_route", json.dumps(no_route).encode()),
                ("good2", json.dumps(good2).encode()),
            ]
            rec = DispositionRecorder(topo.url("province-510000"), messages)
            Container(rec).run()
            o = rec.outcomes
            self.assertEqual(o["good1"], ("accepted", None))
            self.assertEqual(o["good2"], ("accepted", None))
            self.assertEqual(o["schema"], ("rejected", "govbus:schema.invalid"))
            self.assertEqual(o["unknown"], ("rejected", "govbus:endpoint.unknown"))
            self.assertEqual(o["malformed"], ("rejected", "govbus:json.malformed"))
            self.assertEqual(o["id_number"], ("rejected", "govbus:data.id_number"))
            self.assertEqual(o["no_route"][0], "rejected")
            self.assertTrue(o["no_route"][1].startswith("govbus:route."), o["no_route"])

            # The good ones travelled on: both departments get their case.
            for city, dept, msg in (("city-510100", "cd.market", good1), ("city-510700", "my.civil", good2)):
                e = Endpoint(topo.url(city), dept)
                got, _ = e.receive()
                self.assertEqual(got["header"]["id"], msg["header"]["id"])
                e.close()

            # Each refusal is in the province's exchange log; those whose header could be
            # read are filed under the message, as an auditor searches for it.
            topo.stop("province-510000")  # flushes its log
            log = os.path.join(topo.dir, "data", "province-510000", "exchange-log.db")
            status, out = govbus("audit", "search", "--log", log, "--event", "rejected", "--format", "json")
            self.assertEqual(status, 0, out)
            refused = {r["reason_code"]: r for r in (json.loads(l) for l in out.splitlines() if l.startswith("{"))}
            self.assertEqual(set(refused), {"schema.invalid", "endpoint.unknown", "json.malformed",
                                            "data.id_number", o["no_route"][1][len("govbus:"):]})
            for code, msg in (("data.id_number", bad_id), ("endpoint.unknown", unknown_source)):
                self.assertEqual((refused[code]["message_id"], refused[code]["case_number"], refused[code]["type"]),
                                 (msg["header"]["id"], msg["header"]["caseNumber"], "case.apply"), code)
            self.assertEqual(refused["json.malformed"]["message_id"], "")  # nothing could be read
            status, out = govbus("audit", "search", "--log", log, "--case", bad_id["header"]["caseNumber"],
                                 "--format", "json")
            self.assertEqual(status, 0, out)
            self.assertEqual([(r["event"], r["reason_code"]) for r in (json.loads(l) for l in out.splitlines()
                                                                        if l.startswith("{"))],
                             [("rejected", "data.id_number")], out)
            # The personal data in the reason is masked.
            self.assertNotIn("340524198001010013", out)


if __name__ == "__main__":
    unittest.main()

"""A case whose department does not connect before the case's `expires`
time: the city node stops trying, keeps it as a dead letter with cause
"expired" (`govbus dlq`), writes an `expired` record to its exchange log
(`govbus audit search --event expired`), and does not deliver it when the
department connects later."""

import unittest

from proton import Timeout

from govbus_harness import Topology, audit_records, case_apply, govbus, now_rfc3339, wait_until

CITY = "city-510100"


class Expiry(unittest.TestCase):
    def test_a_case_that_expires_in_the_outbox_is_a_dead_letter_and_logged_as_expired(self):
        with Topology() as topo:
            topo.start_all()
            apply = case_apply(961)
            apply["header"]["expires"] = now_rfc3339(3)
            message_id = apply["header"]["id"]
            with topo.endpoint("province-510000", "sc.portal") as portal:
                portal.send(apply)

            dead = {}

            def dead_letter():
                status, out = govbus("dlq", "list", "--config", topo.config(CITY))
                self.assertEqual(status, 0, out)
                dead["line"] = next((line for line in out.splitlines() if message_id in line), "")
                return bool(dead["line"])
            wait_until(dead_letter, 30, "the expired case among the city's dead letters")
            self.assertIn("endpoint:cd.market", dead["line"])
            self.assertIn("expired", dead["line"])

            found = {}

            def logged():
                found["records"] = audit_records(topo.exchange_log(CITY), "--event", "expired", "--message", message_id)
                return bool(found["records"])
            wait_until(logged, 20, "an expired record in the city's exchange log")
            self.assertEqual(len(found["records"]), 1, found["records"])
            r = found["records"][0]
            self.assertEqual(r["reason_code"], "journal.expired")
            self.assertEqual(r["destination"], "endpoint:cd.market")
            self.assertEqual(r["case_number"], apply["header"]["caseNumber"])
            self.assertEqual(r["source"], "sc.portal")
            self.assertEqual(r["region"], apply["header"]["region"])

            with topo.endpoint(CITY, "cd.market") as dept:
                with self.assertRaises(Timeout):
                    m = dept.receiver.receive(timeout=3)
                    self.fail("an expired case was delivered: %r" % (m.body,))


if __name__ == "__main__":
    unittest.main()

"""Large messages: a node keeps bodies of 4 KiB or more in segment files
beside its journal (`journal.db-bodies/`). Cases of 40 KiB wait in the
city's outbox through a `kill -9` of the city node and reach the department
whole, once each; a segment file lost while its case waits makes the
attempt fail with `journal.body_unreadable`, logged as `retried` with the
file named, and nothing half-read is sent."""

import glob
import os
import sqlite3
import unittest

from proton import Timeout

from govbus_harness import Topology, audit_records, case_apply, govbus, wait_until

CITY = "city-510100"
DEPARTMENT = "endpoint:cd.market"


def large_case(seq):
    """A case of about 40 KiB: eleven form fields of 3 600 bytes (a field may hold 4 096 characters)."""
    apply = case_apply(seq)
    for i in range(11):
        apply["payload"]["formData"]["说明%d" % i] = "材料" * 600
    return apply


def waiting_in(journal, destination):
    """Deliveries to `destination` in the node's journal (pending or in flight)."""
    if not os.path.exists(journal):
        return 0
    with sqlite3.connect(journal, timeout=10) as db:
        return db.execute("SELECT count(*) FROM deliveries WHERE destination = ? AND state < 2",
                          (destination,)).fetchone()[0]


class LargeBodies(unittest.TestCase):
    def test_large_cases_wait_in_segment_files_through_a_kill_9_and_arrive_whole_once(self):
        with Topology() as topo:
            topo.start_all()
            sent = [large_case(971 + i) for i in range(3)] + [case_apply(974)]
            with topo.endpoint("province-510000", "sc.portal") as portal:
                for apply in sent:
                    portal.send(apply)
            wait_until(lambda: waiting_in(topo.journal(CITY), DEPARTMENT) == len(sent), 30,
                       "the four cases waiting in the city's outbox")
            segments = glob.glob(topo.journal(CITY) + "-bodies/*.seg")
            self.assertEqual(len(segments), 1, segments)
            self.assertGreaterEqual(os.path.getsize(segments[0]), 3 * 40000)
            status, out = govbus("status", "--config", topo.config(CITY))
            self.assertEqual(status, 0, out)
            self.assertRegex(out, r"WAL [0-9.]+ MiB, large bodies 0\.[0-9] MiB in 1 segment\n")

            topo.kill9(CITY)
            topo.start(CITY)
            received = {}
            with topo.endpoint(CITY, "cd.market") as dept:
                for _ in sent:
                    envelope, _ = dept.receive(timeout=30)
                    received.setdefault(envelope["header"]["id"], []).append(envelope)
                with self.assertRaises(Timeout):
                    extra = dept.receiver.receive(timeout=2)
                    self.fail("a case arrived twice: %r" % (extra.body[:200],))
            for apply in sent:
                copies = received.get(apply["header"]["id"], [])
                self.assertEqual(len(copies), 1, apply["header"]["caseNumber"])
                self.assertEqual(copies[0]["payload"], apply["payload"])

    def test_a_lost_segment_fails_the_attempt_with_the_file_named_and_sends_nothing(self):
        with Topology() as topo:
            topo.start_all()
            apply = large_case(981)
            with topo.endpoint("province-510000", "sc.portal") as portal:
                portal.send(apply)
            wait_until(lambda: waiting_in(topo.journal(CITY), DEPARTMENT) == 1, 30,
                       "the case waiting in the city's outbox")
            topo.stop(CITY)
            segments = glob.glob(topo.journal(CITY) + "-bodies/*.seg")
            self.assertEqual(len(segments), 1, segments)
            os.remove(segments[0])
            topo.start(CITY)

            found = {}

            def retried():
                found["records"] = audit_records(topo.exchange_log(CITY), "--event", "retried",
                                                 "--message", apply["header"]["id"])
                return bool(found["records"])
            with topo.endpoint(CITY, "cd.market") as dept:
                wait_until(retried, 30, "a retried record in the city's exchange log")
                with self.assertRaises(Timeout):
                    m = dept.receiver.receive(timeout=2)
                    self.fail("a case without its body was sent: %r" % (m.body,))
            r = found["records"][0]
            self.assertEqual(r["reason_code"], "journal.body_unreadable")
            self.assertIn(segments[0], r["reason_text"])
            self.assertEqual(r["destination"], DEPARTMENT)
            self.assertRegex(topo.log(CITY), r"retrying \S+ to endpoint:cd\.market \(attempt 1\): "
                                             r"journal\.body_unreadable: the message body")


if __name__ == "__main__":
    unittest.main()

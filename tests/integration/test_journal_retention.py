"""The journal is a store-and-forward, not an archive: once a message's
deliveries are done it stays delivery.keep_delivered_seconds for
de-duplication and then leaves every node's journal.db, body and all. A copy
sent after that is refused by the replay window, which keep_delivered_seconds
must cover twice. A case's path goes delivery.keep_case_paths_seconds after
the case came down; an answer after that is refused with the reason
(docs/operator.md, "What the journal keeps")."""

import json
import os
import sqlite3
import subprocess
import unittest

from proton.utils import SendException

from govbus_harness import GOVBUSD, Endpoint, Topology, case_answer, case_apply, govbus, wait_until


def count(journal, sql, key):
    """One count from a node's journal, read beside the running node."""
    db = sqlite3.connect("file:%s?mode=ro" % journal, uri=True, timeout=10)
    try:
        return db.execute(sql, (key,)).fetchone()[0]
    finally:
        db.close()


def held(journal, message_id):
    """Rows of the message in a node's journal."""
    return count(journal, "SELECT count(*) FROM messages WHERE id = ?", message_id)


def has_path(journal, case):
    return count(journal, "SELECT count(*) FROM case_paths WHERE case_number = ?", case) == 1


class JournalRetention(unittest.TestCase):
    def case_delivered(self, portal, dept, seq):
        """A case.apply the portal sends and the department receives; the envelope."""
        apply = case_apply(seq)
        portal.send(apply)
        got, _ = dept.receive()
        self.assertEqual(got["header"]["id"], apply["header"]["id"])
        return apply

    def test_a_delivered_case_leaves_the_journals_and_a_late_copy_is_refused(self):
        with Topology(delivery={"keep_delivered_seconds": 6},
                      extra_config={"intake": "{ replay_window_seconds: 3 }"}) as topo:
            topo.start_all()
            with Endpoint(topo.url("province-510000"), "sc.portal") as portal, \
                    Endpoint(topo.url("city-510100"), "cd.market") as dept:
                apply = self.case_delivered(portal, dept, 901)
                message_id = apply["header"]["id"]
                # Waiting on the connection sends the acceptance (and nothing else comes).
                with self.assertRaises(Exception):
                    dept.receive(timeout=2)
                # Delivered, and still held for de-duplication.
                self.assertEqual(held(topo.journal("province-510000"), message_id), 1)
                self.assertEqual(held(topo.journal("city-510100"), message_id), 1)

                wait_until(lambda: held(topo.journal("province-510000"), message_id) == 0 and
                           held(topo.journal("city-510100"), message_id) == 0, 30,
                           "the delivered case to leave both journals")
                for node in ("province-510000", "city-510100"):
                    self.assertIn("journal: removed", topo.log(node))

                # Its id is forgotten; its created time is outside the window now.
                with self.assertRaises(SendException):
                    portal.send(apply)
                with self.assertRaises(Exception):
                    dept.receive(timeout=3)
                self.assertIn("replay.window", topo.log("province-510000"))

    def test_an_answer_after_its_case_path_is_gone_is_refused_with_the_reason(self):
        with Topology(delivery={"keep_case_paths_seconds": 5}) as topo:
            topo.start_all()
            with Endpoint(topo.url("province-510000"), "sc.portal") as portal, \
                    Endpoint(topo.url("city-510100"), "cd.market") as dept:
                apply = self.case_delivered(portal, dept, 902)
                case = apply["header"]["caseNumber"]
                for node in ("province-510000", "city-510100"):
                    self.assertTrue(has_path(topo.journal(node), case), node)
                # While the path is there, answers return along it.
                dept.send(case_answer(apply, "case.accept", "cd.market"))
                back, _ = portal.receive()
                self.assertEqual(back["header"]["type"], "case.accept")

                wait_until(lambda: not has_path(topo.journal("city-510100"), case) and
                           not has_path(topo.journal("province-510000"), case), 30,
                           "the case path to leave both journals")
                self.assertIn("journal: removed 1 case path of cases that came down", topo.log("city-510100"))
                with self.assertRaises(SendException):  # rejected
                    dept.send(case_answer(apply, "case.result", "cd.market"))
                log = topo.log("city-510100")
                self.assertIn("route.no_path (/header/caseNumber): no case path is known here for case '%s'" % case,
                              log)
                self.assertIn("delivery.keep_case_paths_seconds", log)
                with self.assertRaises(Exception):
                    portal.receive(timeout=3)
            # The refusal is in the city's exchange log under the case, as an auditor traces it.
            topo.stop("city-510100")  # flushes its log
            status, out = govbus("audit", "trace", case, "--log",
                                 os.path.join(topo.dir, "data", "city-510100", "exchange-log.db"), "--format", "json")
            self.assertEqual(status, 0, out)
            records = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
            refused = [r for r in records if r["event"] == "rejected"]
            self.assertEqual([(r["type"], r["reason_code"], r["source"]) for r in refused],
                             [("case.result", "route.no_path", "cd.market")], out)

    def refused_at_start(self, delivery):
        """govbusd --check of a province whose delivery block is `delivery`: its output, after exit 1."""
        with Topology(delivery=delivery) as topo:
            p = subprocess.run([GOVBUSD, "--config", topo.config("province-510000"), "--check"],
                               capture_output=True, text=True, timeout=60)
            self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
            return p.stdout + p.stderr

    def test_a_keep_shorter_than_twice_the_replay_window_is_refused_at_start(self):
        out = self.refused_at_start({"keep_delivered_seconds": 100})  # replay window: 600 s
        self.assertIn("/delivery/keep_delivered_seconds", out)
        self.assertIn("at least 1200", out)

    def test_a_case_path_keep_out_of_range_is_refused_at_start(self):
        out = self.refused_at_start({"keep_case_paths_seconds": 0})
        self.assertIn("/delivery/keep_case_paths_seconds", out)
        self.assertIn("expected a whole number from 1 to", out)


if __name__ == "__main__":
    unittest.main()

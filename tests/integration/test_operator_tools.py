"""The operator's journal commands beside a running node: a department
refuses a case outright (AMQP rejected), the city node keeps it as a dead
letter, and an operator lists, shows, replays and drops dead letters with
`govbus dlq` (docs/operator.md, "Dead letters"); `govbus status` shows what
waits for a department that is not connected, and that it is gone once the
department takes it."""

import contextlib
import json
import os
import re
import sqlite3
import unittest

from proton import Timeout

from govbus_harness import Endpoint, Topology, case_apply, govbus, wait_until

CITY = "city-510100"


def refuse_next(dept, message_id):
    """Receives the next message at `dept`, checks it is `message_id` and rejects it."""
    m = dept.receiver.receive(timeout=20)
    body = m.body if isinstance(m.body, (bytes, bytearray)) else str(m.body).encode()
    if message_id.encode() not in body:
        raise AssertionError("expected message %s, got %r" % (message_id, body[:200]))
    dept.receiver.reject()


def nothing_more(dept, seconds=2):
    """Waits on the connection (which sends our dispositions) and checks nothing arrives."""
    try:
        m = dept.receiver.receive(timeout=seconds)
    except Timeout:
        return True
    raise AssertionError("unexpected message: %r" % (m.body,))


class OperatorTools(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.topo = Topology().__enter__()
        cls.topo.start_all()

    @classmethod
    def tearDownClass(cls):
        cls.topo.__exit__(None, None, None)

    def dlq(self, *args):
        return govbus("dlq", args[0], "--config", self.topo.config(CITY), *args[1:])

    def dead_letter_id(self, message_id):
        """The id `govbus dlq list` gives the dead letter of `message_id`, once it is there."""
        found = {}

        def listed():
            status, out = self.dlq("list")
            self.assertEqual(status, 0, out)
            for line in out.splitlines():
                if message_id in line:
                    found["line"] = line
                    return True
            return False
        wait_until(listed, 20, "message %s among the dead letters" % message_id)
        self.assertIn("endpoint:cd.market", found["line"])
        return re.match(r"\s*(\d+)\s", found["line"]).group(1)

    def logged(self, message_id, event):
        """The city's exchange-log records of `message_id` in order, once one of them is `event`."""
        log = os.path.join(self.topo.dir, "data", CITY, "exchange-log.db")
        found = {}

        def has_event():
            status, out = govbus("audit", "search", "--log", log, "--message", message_id, "--format", "json")
            self.assertEqual(status, 0, out)
            found["records"] = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
            return any(r["event"] == event for r in found["records"])
        wait_until(has_event, 20, "a %s record of %s in the city's exchange log" % (event, message_id))
        return found["records"]

    @contextlib.contextmanager
    def refused_case(self, seq):
        """A case the department refused: (department endpoint, the case, its dead letter's id)."""
        portal = Endpoint(self.topo.url("province-510000"), "sc.portal")
        dept = Endpoint(self.topo.url(CITY), "cd.market")
        try:
            apply = case_apply(seq)
            portal.send(apply)
            refuse_next(dept, apply["header"]["id"])
            nothing_more(dept)
            yield dept, apply, self.dead_letter_id(apply["header"]["id"])
        finally:
            portal.close()
            dept.close()

    def test_a_refused_case_is_listed_shown_and_replayed_to_its_department(self):
        with self.refused_case(951) as (dept, apply, dl):
            message_id = apply["header"]["id"]
            status, out = self.dlq("show", dl)
            self.assertEqual(status, 0, out)
            self.assertIn("message:      " + message_id, out)
            self.assertIn("case:         " + apply["header"]["caseNumber"], out)
            self.assertIn("destination:  endpoint:cd.market", out)
            self.assertIn("attempts:     1", out)

            status, out = self.dlq("replay", dl)
            self.assertEqual(status, 0, out)
            self.assertIn("1 dead letter back in the outbox", out)
            again, _ = dept.receive(timeout=20)
            self.assertEqual(again["header"]["id"], message_id)
            nothing_more(dept)
            status, out = self.dlq("list")
            self.assertEqual(status, 0, out)
            self.assertNotIn(message_id, out)
            # The city's exchange log says the delivery was replayed, by whom, before it was delivered again.
            events = self.logged(message_id, "replayed")
            replayed = [r for r in events if r["event"] == "replayed"]
            self.assertEqual(len(replayed), 1, events)
            self.assertEqual(replayed[0]["reason_code"], "journal.replayed")
            self.assertRegex(replayed[0]["reason_text"], r"^replayed by user \S+ with govbus dlq replay at ")
            self.assertEqual(replayed[0]["destination"], "endpoint:cd.market")
            order = [r["event"] for r in events if r["event"] in ("dead_lettered", "replayed", "delivered")]
            self.assertEqual(order, ["dead_lettered", "replayed", "delivered"])

    def test_a_dropped_dead_letter_is_gone_and_not_delivered(self):
        with self.refused_case(952) as (dept, apply, dl):
            status, out = self.dlq("drop", dl)
            self.assertEqual(status, 0, out)
            self.assertIn("dropped dead letter " + dl, out)
            status, out = self.dlq("list")
            self.assertNotIn(apply["header"]["id"], out)
            status, out = self.dlq("show", dl)
            self.assertEqual(status, 1, out)
            status, out = self.dlq("replay", dl)
            self.assertEqual(status, 1, out)
            nothing_more(dept, 3)
            # The city's exchange log says who dropped it, after its dead letter.
            events = self.logged(apply["header"]["id"], "dropped")
            dropped = [r for r in events if r["event"] == "dropped"]
            self.assertEqual(len(dropped), 1, events)
            self.assertEqual(dropped[0]["reason_code"], "journal.dropped")
            self.assertRegex(dropped[0]["reason_text"], r"^dropped by user \S+ with govbus dlq drop at ")
            self.assertEqual(dropped[0]["destination"], "endpoint:cd.market")
            self.assertEqual(dropped[0]["region"], apply["header"]["region"])
            self.assertEqual([r["event"] for r in events if r["event"] in ("dead_lettered", "dropped", "delivered")],
                             ["dead_lettered", "dropped"])

    def status(self):
        status, out = govbus("status", "--config", self.topo.config(CITY), "--format", "json")
        self.assertEqual(status, 0, out)
        report = json.loads(out)
        return report, {d["destination"]: d for d in report["destinations"]}

    def test_status_shows_what_waits_for_a_department_until_it_takes_it(self):
        portal = Endpoint(self.topo.url("province-510000"), "sc.portal")
        try:
            apply = case_apply(953, department="civil")
            portal.send(apply)

            def waiting():
                _, by = self.status()
                d = by.get("endpoint:cd.civil")
                return d is not None and d["pending"] + d["in_flight"] == 1
            wait_until(waiting, 20, "the case for cd.civil to wait in the city's journal")
            report, by = self.status()
            self.assertIsNotNone(by["endpoint:cd.civil"]["oldest_waiting"])
            self.assertGreaterEqual(report["messages_held"], 1)
            self.assertGreaterEqual(report["case_paths"], 1)  # the case came down from the province
            self.assertEqual(report["reply_paths"], 0)
            self.assertGreater(report["bytes"], 0)
            status, table = govbus("status", "--config", self.topo.config(CITY))
            self.assertEqual(status, 0, table)
            self.assertRegex(table, r"endpoint:cd\.civil\s+\d+\s+\d+\s+0  20\d\d-")
            self.assertRegex(table, r"paths held: [1-9]\d* cases?, 0 queries")

            civil = Endpoint(self.topo.url(CITY), "cd.civil")
            try:
                got, _ = civil.receive(timeout=20)
                self.assertEqual(got["header"]["id"], apply["header"]["id"])
                nothing_more(civil)
            finally:
                civil.close()
            wait_until(lambda: "endpoint:cd.civil" not in self.status()[1], 20,
                       "cd.civil's delivery to leave the outbox")
        finally:
            portal.close()

    def test_status_of_a_journal_that_does_not_exist_says_so(self):
        status, out = govbus("status", "--journal", "/nonexistent-govbus-dir/journal.db")
        self.assertEqual(status, 1, out)
        self.assertIn("no journal at /nonexistent-govbus-dir/journal.db", out)
        status, out = govbus("status", "--config", self.topo.config(CITY), "--format", "xml")
        self.assertEqual(status, 2, out)
        self.assertIn("--format is table or json, not 'xml'", out)

    def test_a_journal_of_an_older_schema_is_upgraded_on_first_open_and_says_so(self):
        # A consistent copy of the running city's journal, taken back to schema 3.
        copy = os.path.join(self.topo.dir, "journal-v3.db")
        with contextlib.closing(sqlite3.connect(self.topo.journal(CITY), timeout=10)) as live, \
                contextlib.closing(sqlite3.connect(copy)) as old:
            live.backup(old)
            old.executescript("DROP INDEX messages_body_file; ALTER TABLE messages DROP COLUMN body_file; "
                              "ALTER TABLE messages DROP COLUMN body_offset; "
                              "ALTER TABLE messages DROP COLUMN body_size; DROP TABLE dropped; "
                              "ALTER TABLE messages DROP COLUMN region; DROP INDEX case_paths_age; "
                              "PRAGMA user_version=3;")
        status, out = govbus("status", "--journal", copy)
        self.assertEqual(status, 0, out)
        self.assertRegex(out, r"journal: schema upgraded from version 3 to 7 in \d+ ms")
        status, out = govbus("status", "--journal", copy)
        self.assertEqual(status, 0, out)
        self.assertNotIn("schema upgraded", out)  # once

    def test_an_id_that_is_not_a_number_is_refused_with_the_reason(self):
        for command in ("show", "replay", "drop"):
            status, out = self.dlq(command, "12abc")
            self.assertEqual(status, 2, out)
            self.assertIn("not '12abc'", out)


if __name__ == "__main__":
    unittest.main()

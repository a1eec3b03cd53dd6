"""Department systems that drop files or write rows into their own exchange
database (adapters/file, adapters/exchange_db): cases reach them, their
results come back to the portal, a bad file ends in error/ with its reason,
and a `kill -9` of the node in the middle of the run loses nothing and
delivers nothing twice (as the departments see distinct message ids)."""

import glob
import shutil
import tempfile
import json
import os
import re
import sqlite3
import subprocess
import threading
import time
import unittest

from govbus_harness import SOURCE, Topology, case_answer, case_apply, collect_results, wait_until

CASES = 60


def registry(tmp):
    with open(os.path.join(SOURCE, "etc", "endpoints-city-510100.yaml"), encoding="utf-8") as f:
        text = f.read()
    text = re.sub(r"(  - id: cd\.market\n(?:    .*\n)*?)    adapter: amqp\n",
                  r"\1    adapter: file\n    options: { inbox: %s/market/inbox, outbox: %s/market/outbox }\n" % (tmp, tmp), text)
    text = re.sub(r"(  - id: cd\.civil\n(?:    .*\n)*?)    adapter: amqp\n",
                  r"\1    adapter: exchange-db\n    options: { backend: sqlite, path: %s/civil.db }\n" % tmp, text)
    assert "adapter: file" in text and "adapter: exchange-db" in text
    path = os.path.join(tmp, "endpoints-city-510100.yaml")
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


class FileDepartment(threading.Thread):
    """Reads cases from its outbox directory and answers each with a result file (write .tmp, rename)."""

    def __init__(self, root):
        super().__init__(daemon=True)
        self.root, self.seen, self.deliveries, self.stop = root, set(), 0, False

    def run(self):
        outbox, inbox = os.path.join(self.root, "outbox"), os.path.join(self.root, "inbox")
        while not self.stop:
            for path in sorted(glob.glob(os.path.join(outbox, "*.json"))):
                with open(path, encoding="utf-8") as f:
                    case = json.load(f)
                os.remove(path)
                self.deliveries += 1
                if case["header"]["id"] in self.seen:
                    continue
                self.seen.add(case["header"]["id"])
                result = case_answer(case, "case.result", "cd.market")
                tmp = os.path.join(inbox, result["header"]["id"] + ".json.tmp")
                with open(tmp, "w", encoding="utf-8") as f:
                    json.dump(result, f, ensure_ascii=False)
                os.rename(tmp, tmp[:-4])
            time.sleep(0.05)


class DbDepartment(threading.Thread):
    """Reads cases from govbus_outbox and answers each by inserting a row with the sqlite3 CLI."""

    def __init__(self, path):
        super().__init__(daemon=True)
        self.path, self.seen, self.rows, self.stop = path, set(), 0, False

    def run(self):
        last = 0
        while not self.stop:
            try:
                db = sqlite3.connect(self.path, timeout=5)
                rows = db.execute("SELECT seq, body FROM govbus_outbox WHERE seq > ? ORDER BY seq", (last,)).fetchall()
                db.close()
            except sqlite3.Error:
                rows = []
            for seq, body in rows:
                last = seq
                self.rows += 1
                case = json.loads(body)
                if case["header"]["id"] in self.seen:
                    continue
                self.seen.add(case["header"]["id"])
                result = json.dumps(case_answer(case, "case.result", "cd.civil"), ensure_ascii=False).replace("'", "''")
                subprocess.run(["sqlite3", "-cmd", ".timeout 10000", self.path, "INSERT INTO govbus_inbox (body) VALUES ('%s');" % result],
                               check=True, capture_output=True)
            time.sleep(0.05)


class FileAndDbAdapters(unittest.TestCase):
    def test_cases_reach_file_and_database_departments_across_a_kill_9(self):
        tmp = tempfile.mkdtemp(prefix="govbus-departments-")
        self.addCleanup(shutil.rmtree, tmp, True)
        with Topology(endpoints={"city-510100": registry(tmp)},
                      adapters={"city-510100": ["file: { scan_ms: 50 }", "exchange-db: { poll_ms: 50 }"]}) as topo:
            topo.start_all()
            market, civil = FileDepartment(os.path.join(tmp, "market")), DbDepartment(os.path.join(tmp, "civil.db"))
            wait_until(lambda: os.path.exists(os.path.join(tmp, "civil.db")), 10, "the exchange database")
            market.start()
            civil.start()
            portal = topo.endpoint("province-510000", "sc.portal")
            try:
                # A bad file first: it ends in error/ with its reason, nothing else is disturbed.
                with open(os.path.join(tmp, "market", "inbox", "broken.json.tmp"), "w") as f:
                    f.write('{"header": {"id": "x"')
                os.rename(os.path.join(tmp, "market", "inbox", "broken.json.tmp"),
                          os.path.join(tmp, "market", "inbox", "broken.json"))
                sent = []
                for i in range(CASES):
                    apply = case_apply(900 + i, department="market" if i % 2 == 0 else "civil")
                    portal.send(apply)
                    sent.append(apply["header"]["caseNumber"])
                    if i == CASES // 2:
                        topo.kill9("city-510100")
                        topo.start("city-510100")
                results = set(collect_results(portal, CASES))
                self.assertEqual(results, set(sent), "results missing for %s" % sorted(set(sent) - results))
                self.assertEqual(len(market.seen) + len(civil.seen), CASES)
                print("file department: %d deliveries for %d cases; database department: %d rows for %d cases"
                      % (market.deliveries, len(market.seen), civil.rows, len(civil.seen)))
                error_dir = os.path.join(tmp, "market", "inbox", "error")
                self.assertTrue(os.path.exists(os.path.join(error_dir, "broken.json")))
                with open(os.path.join(error_dir, "broken.json.reason")) as f:
                    self.assertTrue(f.read().startswith("json.malformed"))
                inbox = os.path.join(tmp, "market", "inbox")
                # Files the journal took just before the kill are read again after the restart, then moved.
                wait_until(lambda: not [n for n in os.listdir(inbox) if os.path.isfile(os.path.join(inbox, n))], 15,
                           "the inbox to empty")
                self.assertEqual(len(os.listdir(os.path.join(inbox, "done"))), len(market.seen))
                def count(where):
                    db = sqlite3.connect(os.path.join(tmp, "civil.db"), timeout=5)
                    n = db.execute("SELECT COUNT(*) FROM govbus_inbox WHERE " + where).fetchone()[0]
                    db.close()
                    return n
                # Rows taken just before the kill are read again after the
                # restart (the journal de-duplicates them) and then marked.
                wait_until(lambda: count("status IS NULL") == 0, 15, "every row marked")
                self.assertEqual(count("status = 'taken'"), len(civil.seen))
            finally:
                market.stop = civil.stop = True
                portal.close()


if __name__ == "__main__":
    unittest.main()

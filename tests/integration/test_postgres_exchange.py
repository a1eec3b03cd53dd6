"""A department that exchanges through tables in its own PostgreSQL
(adapters/exchange_db, backend postgresql): a real server started for the
test, the department reading govbus_outbox and writing govbus_inbox with the
psql CLI. The node starts while the database is down; cases reach the
department and its results come back across a `kill -9` of the node and a
restart of the database; a row that is not an envelope is marked
rejected with its reason; nothing is taken twice."""

import json
import os
import re
import shutil
import tempfile
import threading
import time
import unittest

from govbus_harness import SOURCE, Topology, case_answer, case_apply, collect_results, wait_until
from postgres_server import PostgresServer

CASES = 30


class PsqlDepartment(threading.Thread):
    """cd.civil: polls govbus_outbox and answers each new case by inserting a row, all through psql."""

    def __init__(self, pg):
        super().__init__(daemon=True)
        self.pg, self.seen, self.rows, self.stop = pg, set(), 0, False

    def run(self):
        last = 0
        while not self.stop:
            try:
                rows = self.pg.psql("SELECT seq, body FROM govbus_outbox WHERE seq > :'last' ORDER BY seq;", last=last)
            except (RuntimeError, OSError):
                rows = []  # the database is restarting, or the tables are not there yet
            for seq, body in rows:
                case = json.loads(body)
                answered = case["header"]["id"] in self.seen
                if not answered:
                    result = json.dumps(case_answer(case, "case.result", "cd.civil"), ensure_ascii=False)
                    try:
                        self.pg.psql("INSERT INTO govbus_inbox (body) VALUES (:'body');", body=result)
                    except (RuntimeError, OSError):
                        break  # read this row again next time
                    self.seen.add(case["header"]["id"])
                last = int(seq)
                self.rows += 1
            time.sleep(0.1)


class PostgresExchange(unittest.TestCase):
    def test_a_postgresql_department_across_a_node_kill_and_a_database_restart(self):
        tmp = tempfile.mkdtemp(prefix="govbus-pg-exchange-")
        self.addCleanup(shutil.rmtree, tmp, True)
        pg = PostgresServer()
        self.addCleanup(pg.close)
        with open(os.path.join(SOURCE, "etc", "endpoints-city-510100.yaml"), encoding="utf-8") as f:
            text = f.read()
        text = re.sub(r"(  - id: cd\.civil\n(?:    .*\n)*?)    adapter: amqp\n",
                      r'\1    adapter: exchange-db\n    options: { backend: postgresql, conninfo: "%s" }\n' % pg.conninfo(),
                      text)
        registry = os.path.join(tmp, "endpoints.yaml")
        with open(registry, "w", encoding="utf-8") as f:
            f.write(text)
        with Topology(endpoints={"city-510100": registry},
                      adapters={"city-510100": ["exchange-db: { poll_ms: 50 }"]}) as topo:
            # The department's database is down when the node starts: the node
            # starts anyway and opens the tables once the database is back.
            pg.stop()
            topo.start_all()
            pg.start()
            # The adapter created the tables; a row that is no envelope comes first.
            wait_until(lambda: pg.psql("SELECT to_regclass('govbus_inbox') IS NOT NULL;") == [["t"]], 15, "the tables")
            pg.psql("INSERT INTO govbus_inbox (body) VALUES (:'body');", body='{"header": ')
            civil = PsqlDepartment(pg)
            civil.start()
            portal = topo.endpoint("province-510000", "sc.portal")
            try:
                sent = []
                for i in range(CASES):
                    apply = case_apply(1200 + i, department="civil")
                    portal.send(apply)
                    sent.append(apply["header"]["caseNumber"])
                    if i == CASES // 3:
                        topo.kill9("city-510100")
                        topo.start("city-510100")
                    if i == 2 * CASES // 3:
                        pg.stop()
                        time.sleep(0.5)
                        pg.start()
                results = set(collect_results(portal, CASES))
                self.assertEqual(results, set(sent), "results missing for %s" % sorted(set(sent) - results))
                self.assertEqual(len(civil.seen), CASES)

                def count(where):
                    return int(pg.psql("SELECT count(*) FROM govbus_inbox WHERE " + where + ";")[0][0])

                # Rows read just before the kill are read again after it and then marked, once.
                wait_until(lambda: count("status IS NULL") == 0, 15, "every row marked")
                self.assertEqual(count("status = 'taken'"), CASES)
                rejected = pg.psql("SELECT reason FROM govbus_inbox WHERE status = 'rejected';")
                self.assertEqual(len(rejected), 1)
                self.assertTrue(rejected[0][0].startswith("json.malformed"), rejected[0][0])
                # Each message id is in the outbox once, however often it was delivered.
                self.assertEqual(pg.psql("SELECT count(*), count(DISTINCT message_id) FROM govbus_outbox;"),
                                 [[str(CASES), str(CASES)]])
                print("database department: %d outbox rows for %d cases" % (civil.rows, len(civil.seen)))
            finally:
                civil.stop = True
                portal.close()


if __name__ == "__main__":
    unittest.main()

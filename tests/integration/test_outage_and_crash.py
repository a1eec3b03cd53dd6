"""Reliability with real processes: a parent node that is down for a while
(messages wait in the outbox, then flow), and a city node killed with
SIGKILL in the middle of a run of hundreds of cases (after a restart every
case reaches its department once and every result returns)."""

import os
import subprocess
import threading
import time
import unittest

from proton import ConnectionException, Timeout

from govbus_harness import GOVBUSD, Endpoint, Topology, case_answer, case_apply, free_port, wait_until


class Department(threading.Thread):
    """An endpoint that answers every case with a result, reconnecting when its
    node goes away, and de-duplicating by message id as docs/integrator.md asks:
    a node that crashed between handing a message over and recording that it
    did hands it over again, with the same id."""

    def __init__(self, url, endpoint_id):
        super().__init__(daemon=True)
        self.url, self.id = url, endpoint_id
        self.received = []   # case numbers processed, once per message id
        self.redelivered = 0  # deliveries of an id seen before
        self.seen = set()
        self.stop = False

    def run(self):
        unsent = []  # answers not yet acknowledged by the node: sent again after a reconnect
        while not self.stop:
            try:
                ep = Endpoint(self.url, self.id, timeout=5)
                while unsent:
                    ep.send(unsent[0])
                    unsent.pop(0)
                while not self.stop:
                    try:
                        msg, _ = ep.receive(timeout=1)
                    except Timeout:
                        continue
                    if msg["header"]["id"] in self.seen:
                        self.redelivered += 1
                        continue
                    self.seen.add(msg["header"]["id"])
                    self.received.append(msg["header"]["caseNumber"])
                    unsent.append(case_answer(msg, "case.result", self.id))
                    ep.send(unsent[0])
                    unsent.pop(0)
            except Exception:
                time.sleep(0.2)


class Portal(threading.Thread):
    """Collects every result that returns to the portal."""

    def __init__(self, url):
        super().__init__(daemon=True)
        self.ep = Endpoint(url, "sc.portal")
        self.results = []
        self.stop = False

    def run(self):
        while not self.stop:
            try:
                msg, _ = self.ep.receive(timeout=1)
                self.results.append(msg["header"]["caseNumber"])
            except Timeout:
                continue
            except ConnectionException:
                return  # the topology is being torn down


class Reliability(unittest.TestCase):
    def test_city_killed_mid_run_loses_nothing_and_delivers_each_case_once(self):
        cases = 300
        with Topology() as topo:
            topo.start_all()
            dept = Department(topo.url("city-510100"), "cd.market")
            dept.start()
            portal = Portal(topo.url("province-510000"))
            portal.start()
            sender = Endpoint(topo.url("province-510000"), "sc.portal", receive=False)
            sent = []
            for i in range(cases):
                m = case_apply(1000 + i)
                sender.send(m)  # returns once the province journaled it
                sent.append(m["header"]["caseNumber"])
                if i == cases // 3:
                    topo.kill9("city-510100")
                if i == cases // 2:
                    topo.start("city-510100")
            try:
                wait_until(lambda: len(set(portal.results)) >= cases, 120, "all results at the portal")
            except AssertionError:
                print("department processed %d cases, portal has %d results; missing at the department: %s"
                      % (len(set(dept.received)), len(set(portal.results)),
                         sorted(set(sent) - set(dept.received))[:10]))
                raise
            dept.stop = portal.stop = True
            self.assertEqual(sorted(set(dept.received)), sorted(sent), "every case reached the department")
            self.assertEqual(len(dept.received), len(set(dept.received)), "no case was processed twice")
            # Redeliveries can only come from the one delivery in flight per link at the kill.
            self.assertLessEqual(dept.redelivered, 50)
            print("cases %d, redelivered after the kill: %d" % (cases, dept.redelivered))
            self.assertEqual(sorted(set(portal.results)), sorted(sent), "every result returned")
            sender.close()

    def test_messages_wait_while_the_parent_is_down_and_flow_when_it_returns(self):
        with Topology() as topo:
            topo.start_all()
            topo.stop("province-510000")
            dept = Endpoint(topo.url("city-510100"), "cd.window")
            # cd.window asks the national population library: the city must forward up.
            from govbus_harness import now_rfc3339
            import uuid
            query = {
                "header": {"id": str(uuid.uuid4()), "type": "data.query", "schemaVersion": "1.0",
                           "source": "cd.window", "destination": {"department": "population"},
                           "region": "510104", "created": now_rfc3339()},
                "payload": {"mode": "exact", "dataset": "population", "keys": ["510104199001011230"],
                            "purpose": "核验申请人身份"},
            }
            dept.send(query)  # accepted by the city although its parent is down
            nat = Endpoint(topo.url("national"), "nat.population")
            with self.assertRaises(Timeout):
                nat.receive(timeout=2)
            topo.start("province-510000")
            got, _ = nat.receive(timeout=30)
            self.assertEqual(got["header"]["id"], query["header"]["id"])
            self.assertEqual([h["node"] for h in got["hops"]], ["city-510100", "province-510000", "national"])
            nat.close()
            dept.close()


    def test_a_second_node_on_a_running_nodes_data_directory_is_refused(self):
        city = "city-510100"
        with Topology() as topo:
            topo.start(city)
            # The same node again on another port: same journal, same exchange log.
            with open(topo.config(city)) as f:
                text = f.read()
            listen = '"127.0.0.1:%d"' % topo.ports[city]
            self.assertIn(listen, text)
            twin = os.path.join(topo.dir, "city-510100-twin.yaml")
            with open(twin, "w") as f:
                f.write(text.replace(listen, '"127.0.0.1:%d"' % free_port()))
            p = subprocess.run([GOVBUSD, "--config", twin], capture_output=True, text=True, timeout=60)
            self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
            self.assertIn("node.data_dir_in_use: data directory %s is in use by another govbusd (pid %d)"
                          % (os.path.join(topo.dir, "data", city), topo.procs[city].pid), p.stderr)
            self.assertIsNone(topo.procs[city].poll(), "the running node must not notice")
            # Killed with SIGKILL, it leaves the directory free for its restart.
            topo.kill9(city)
            topo.start(city)


if __name__ == "__main__":
    unittest.main()

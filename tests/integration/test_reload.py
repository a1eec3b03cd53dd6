"""SIGHUP reloads the route table: a good table takes effect for the next
message; a table with errors is refused, logged with file:line, and the
running one keeps routing."""

import os
import shutil
import signal
import tempfile
import unittest

from govbus_harness import SOURCE, Endpoint, Topology, case_apply, wait_until


class Reload(unittest.TestCase):
    def test_sighup_applies_a_good_table_and_refuses_a_bad_one(self):
        tables = tempfile.mkdtemp(prefix="govbus-routes-")
        city_routes = os.path.join(tables, "city-510100.yaml")
        shutil.copy(os.path.join(SOURCE, "routes", "city-510100.yaml"), city_routes)
        try:
            with Topology(routes={"city-510100": city_routes}) as topo:
                topo.start_all()
                portal = Endpoint(topo.url("province-510000"), "sc.portal", receive=False)
                market = Endpoint(topo.url("city-510100"), "cd.market")
                civil = Endpoint(topo.url("city-510100"), "cd.civil")

                first = case_apply(21, department="market")
                portal.send(first)
                got, _ = market.receive()
                self.assertEqual(got["header"]["id"], first["header"]["id"])

                # Every application now goes to civil affairs.
                with open(city_routes, "w") as f:
                    f.write("version: 1\nrules:\n  - name: all-to-civil\n    match: { type: case.apply }\n"
                            "    actions: { deliver: cd.civil }\n")
                topo.signal("city-510100", signal.SIGHUP)
                wait_until(lambda: "reloaded routes" in topo.log("city-510100"), 10, "the reload")
                second = case_apply(22, department="market")
                portal.send(second)
                got, _ = civil.receive()
                self.assertEqual(got["header"]["id"], second["header"]["id"])

                # A broken table is refused; the one running stays.
                with open(city_routes, "w") as f:
                    f.write("version: 1\nrules:\n  - name: typo\n    match: { typ: case.apply }\n"
                            "    actions: { deliver: cd.market }\n")
                topo.signal("city-510100", signal.SIGHUP)
                wait_until(lambda: "reload refused" in topo.log("city-510100"), 10, "the refusal")
                self.assertIn("city-510100.yaml:4", topo.log("city-510100"))
                third = case_apply(23, department="market")
                portal.send(third)
                got, _ = civil.receive()
                self.assertEqual(got["header"]["id"], third["header"]["id"])
                for e in (portal, market, civil):
                    e.close()
        finally:
            shutil.rmtree(tables, ignore_errors=True)


if __name__ == "__main__":
    unittest.main()

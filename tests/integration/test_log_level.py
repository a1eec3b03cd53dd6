"""`govbusd --log-level` overrides the configuration's log_level
(docs/operator.md, "A node"): at debug a node logs every accept and
delivery, at info it does not; a level it does not know stops the start."""

import subprocess
import unittest

from govbus_harness import GOVBUSD, Endpoint, Topology, case_apply


class LogLevel(unittest.TestCase):
    def test_debug_on_the_command_line_logs_each_accept_and_delivery(self):
        with Topology() as topo:  # every node's file says log_level: info (or the run's GOVBUS_TEST_LOG_LEVEL)
            for node in ("national", "province-510000", "city-510700"):
                topo.start(node)
            topo.start("city-510100", "--log-level", "debug")
            portal = Endpoint(topo.url("province-510000"), "sc.portal")
            dept = Endpoint(topo.url("city-510100"), "cd.market")
            try:
                apply = case_apply(981)
                message_id = apply["header"]["id"]
                portal.send(apply)
                got, _ = dept.receive()
                self.assertEqual(got["header"]["id"], message_id)
            finally:
                portal.close()
                dept.close()
            topo.stop("city-510100")
            city = topo.log("city-510100")
            self.assertIn("accepted case.apply " + message_id, city)
            self.assertIn("delivered case.apply %s to endpoint:cd.market" % message_id, city)
            if "log_level: debug" not in open(topo.config("province-510000")).read():
                self.assertNotIn("accepted case.apply " + message_id, topo.log("province-510000"))

    def test_an_unknown_level_stops_the_start_and_names_it(self):
        with Topology() as topo:
            p = subprocess.run([GOVBUSD, "--config", topo.config("national"), "--log-level", "loud"],
                               capture_output=True, text=True, timeout=30)
            self.assertNotEqual(p.returncode, 0)
            self.assertIn("unknown log level 'loud'", p.stderr)


if __name__ == "__main__":
    unittest.main()

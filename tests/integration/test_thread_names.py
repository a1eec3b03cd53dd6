"""A running node's threads carry the names docs/operator.md lists, so
`top -H` and `perf report -s comm` show which job is busy."""

import os
import unittest

from govbus_harness import Topology

CITY = "city-510100"


def thread_names(pid):
    names = []
    for task in os.listdir("/proc/%d/task" % pid):
        with open("/proc/%d/task/%s/comm" % (pid, task)) as f:
            names.append(f.read().strip())
    return names


class ThreadNames(unittest.TestCase):
    def test_a_node_s_threads_are_named_after_their_jobs(self):
        with Topology() as topo:
            topo.start(CITY)
            names = thread_names(topo.procs[CITY].pid)
            for job in ("intake", "journal-commit", "dispatcher", "exchange-log", "wal-checkpoint",
                        "journal-prune", "amqp"):
                self.assertIn(job, names)
            self.assertEqual(names.count("wal-checkpoint"), 2, names)  # the journal's and the log's


if __name__ == "__main__":
    unittest.main()

"""A running node's threads carry the names docs/operator.md lists, so
`top -H` and `perf report -s comm` show which job is busy."""

import os
import unittest

from govbus_harness import Topology, wait_until

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
            jobs = ("intake", "journal-commit", "dispatcher", "exchange-log", "wal-checkpoint", "journal-prune", "amqp")
            seen = {}

            def all_named():
                # The port opens before the last threads start and name themselves.
                seen["names"] = thread_names(topo.procs[CITY].pid)
                return all(job in seen["names"] for job in jobs)
            wait_until(all_named, 10, "every job's thread")
            self.assertEqual(seen["names"].count("wal-checkpoint"), 2, seen["names"])  # the journal's and the log's


if __name__ == "__main__":
    unittest.main()

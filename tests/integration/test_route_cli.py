"""`govbus route check` and `govbus route explain` as an operator runs them
(docs/routing.md): every problem of a table with file:line:column and the
rule's name, and for one message why each earlier rule did not match, the
rule that did and the destinations."""

import json
import os
import shutil
import tempfile
import unittest

from govbus_harness import SOURCE, govbus

PROVINCE = ["--table", os.path.join(SOURCE, "routes", "province-510000.yaml"), "--region", "510000",
            "--node", "province-510000", "--level", "province", "--parent", "national",
            "--child", "city-510100=510100", "--child", "city-510700=510700"]

BAD_TABLE = """version: 1
rules:
  - name: to-nowhere
    match: { type: case.apply, region: "51x" }
    actions: { deliver: cd.market }
  - name: bad-action
    match: { type: data.query }
    actions: { teleport: yes }
"""


class RouteCli(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="govbus-route-")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def write(self, name, text):
        path = os.path.join(self.dir, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return path

    def case_apply(self, source):
        with open(os.path.join(SOURCE, "docs", "examples", "case-apply-natural.json"), encoding="utf-8") as f:
            env = json.load(f)
        env["header"]["source"] = source
        return self.write("apply-%s.json" % source, json.dumps(env, ensure_ascii=False))

    def test_the_shipped_tables_check_clean(self):
        tables = sorted(os.path.join(SOURCE, "routes", f) for f in os.listdir(os.path.join(SOURCE, "routes"))
                        if f.endswith(".yaml"))
        self.assertGreaterEqual(len(tables), 4)
        status, out = govbus("route", "check", *tables)
        self.assertEqual(status, 0, out)
        for t in tables:
            self.assertIn(t + ": OK (", out)

    def test_every_error_names_its_line_and_rule(self):
        path = self.write("bad.yaml", BAD_TABLE)
        status, out = govbus("route", "check", path)
        self.assertEqual(status, 1, out)
        self.assertIn(path + ":4:", out)
        self.assertIn("rule 'to-nowhere': rules[0].match.region", out)
        self.assertIn(path + ":8:", out)
        self.assertIn("rule 'bad-action': rules[1].actions.teleport: unknown key 'teleport'", out)
        self.assertIn(path + ": 2 errors", out)

    def test_explain_shows_the_matching_rule_and_the_destination(self):
        status, out = govbus("route", "explain", *PROVINCE, self.case_apply("sc.portal"))
        self.assertEqual(status, 0, out)
        self.assertIn("rule 'portal-cases-to-cities' (line 8): matched", out)
        self.assertIn("decision: rule 'portal-cases-to-cities' -> node:city-510100", out)

    def test_explain_says_why_no_rule_matched(self):
        status, out = govbus("route", "explain", *PROVINCE, self.case_apply("cd.portal"))
        self.assertEqual(status, 1, out)
        self.assertIn("rule 'portal-cases-to-cities' (line 8): no match", out)
        self.assertIn('match.source: expected sc.portal, actual "cd.portal"', out)
        self.assertIn("refused: route.none", out)


if __name__ == "__main__":
    unittest.main()

"""An endpoint that keeps its own format (docs/integrator.md "Keeping your own
format"): the Chengdu market bureau receives case.apply in its own field
names and answers case.result in them; the portal sees only standard
messages, and a result the mapping cannot translate is refused with its
reason while the next one goes through."""

import os
import re
import tempfile
import unittest

from proton.utils import SendException

from govbus_harness import SOURCE, Endpoint, Topology, case_answer, case_apply


def registry_with_translation():
    with open(os.path.join(SOURCE, "etc", "endpoints-city-510100.yaml"), encoding="utf-8") as f:
        text = f.read()
    mapping = os.path.join(SOURCE, "etc", "translations", "cd-market.yaml")
    text, n = re.subn(r"(  - id: cd\.market\n)", r"\1    translate: %s\n" % mapping, text)
    assert n == 1
    fd, path = tempfile.mkstemp(suffix=".yaml", prefix="endpoints-city-510100-")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    return path


class Translation(unittest.TestCase):
    def test_the_department_speaks_its_own_format_and_the_portal_the_standard_one(self):
        with Topology(endpoints={"city-510100": registry_with_translation()}) as topo:
            topo.start_all()
            portal = Endpoint(topo.url("province-510000"), "sc.portal")
            market = Endpoint(topo.url("city-510100"), "cd.market")
            try:
                apply = case_apply(1, department="market")
                portal.send(apply)
                got, content_type = market.receive()
                self.assertEqual(content_type, "application/json")
                self.assertEqual(got["header"]["caseNumber"], apply["header"]["caseNumber"])
                self.assertEqual(got["payload"]["sqr"]["sfzh"], "510104199001011230")
                self.assertEqual(got["payload"]["sxbm"], apply["payload"]["item"]["code"])
                self.assertNotIn("applicant", got["payload"])

                untranslatable = case_answer(apply, "case.result", "cd.market")
                untranslatable["payload"] = {"bjjg": "7", "bjsj": untranslatable["header"]["created"]}
                with self.assertRaises(SendException):  # rejected on the link, with its reason
                    market.send(untranslatable)
                result = case_answer(apply, "case.result", "cd.market")
                result["payload"] = {"bjjg": "1", "bjsj": result["header"]["created"], "bz": "准予登记"}
                market.send(result)

                back, _ = portal.receive()
                self.assertEqual(back["header"]["id"], result["header"]["id"])
                self.assertEqual(back["payload"]["outcome"], "approved")
                self.assertEqual(back["payload"]["note"], "准予登记")
                log = topo.log("city-510100")
                self.assertIn("translate.failed", log)
                self.assertIn("/bjjg", log)
            finally:
                portal.close()
                market.close()


if __name__ == "__main__":
    unittest.main()

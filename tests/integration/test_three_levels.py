"""Three levels, end to end: a portal at the province pushes a case down to a
department at a city; the department's accept, process and result come back
up along the same path. Both encodings; the department is an external system
written with Python Qpid Proton from docs/integrator.md alone."""

import os
import subprocess
import tempfile
import unittest
import json

from govbus_harness import Endpoint, Topology, case_answer, case_apply, govbus


class ThreeLevels(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.topo = Topology().__enter__()
        cls.topo.start_all()

    @classmethod
    def tearDownClass(cls):
        cls.topo.__exit__(None, None, None)

    def run_case(self, seq, region, department, city, dept_id, encoding):
        portal = Endpoint(self.topo.url("province-510000"), "sc.portal")
        dept = Endpoint(self.topo.url(city), dept_id)
        try:
            apply = case_apply(seq, region=region, department=department)
            if encoding == "xml":
                with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
                    json.dump(apply, f, ensure_ascii=False)
                status, xml = govbus("convert", "--to", "xml", f.name)
                os.unlink(f.name)
                self.assertEqual(status, 0, xml)
                portal.send(xml.encode(), "application/xml")
            else:
                portal.send(apply)

            received, ctype = dept.receive()
            if encoding == "xml":
                self.assertEqual(ctype, "application/xml")
                self.assertIn(apply["header"]["caseNumber"].encode(), received)
                status, text = self.convert_to_json(received)
                self.assertEqual(status, 0, text)
                received = json.loads(text)
            self.assertEqual(received["header"]["caseNumber"], apply["header"]["caseNumber"])
            self.assertEqual(received["header"]["id"], apply["header"]["id"])
            self.assertEqual([h["node"] for h in received["hops"]], ["province-510000", city])

            for t in ("case.accept", "case.process", "case.result"):
                dept.send(case_answer(received, t, dept_id))
            for t in ("case.accept", "case.process", "case.result"):
                back, _ = portal.receive()
                self.assertEqual(back["header"]["type"], t, "answers return in the order they were sent")
                self.assertEqual(back["header"]["caseNumber"], apply["header"]["caseNumber"])
                self.assertEqual([h["node"] for h in back["hops"]], [city, "province-510000"])
        finally:
            portal.close()
            dept.close()

    def convert_to_json(self, xml_bytes):
        with tempfile.NamedTemporaryFile("wb", suffix=".xml", delete=False) as f:
            f.write(xml_bytes)
        try:
            return govbus("convert", "--to", "json", f.name)
        finally:
            os.unlink(f.name)

    def test_json_case_to_chengdu_market_and_back(self):
        self.run_case(1, "510104", "market", "city-510100", "cd.market", "json")

    def test_xml_case_to_mianyang_civil_and_back(self):
        self.run_case(2, "510703", "civil", "city-510700", "my.civil", "xml")


if __name__ == "__main__":
    unittest.main()

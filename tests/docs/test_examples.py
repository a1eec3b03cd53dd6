"""The examples docs/integrator.md shows are real: every file in docs/examples
validates with `govbus validate`, and each JSON example and its XML twin
carry the same message (each converts into the other)."""

import glob
import json
import os
import subprocess
import unittest

SOURCE = os.environ["GOVBUS_SOURCE_DIR"]
GOVBUS = os.path.join(os.environ["GOVBUS_BINARY_DIR"], "tools", "govbus", "govbus")
EXAMPLES = os.path.join(SOURCE, "docs", "examples")


def govbus(*args):
    p = subprocess.run([GOVBUS] + list(args), capture_output=True, text=True, timeout=60)
    return p.returncode, p.stdout, p.stderr


class Examples(unittest.TestCase):
    def test_every_example_validates(self):
        files = sorted(glob.glob(os.path.join(EXAMPLES, "*.json")) + glob.glob(os.path.join(EXAMPLES, "*.xml")))
        self.assertGreaterEqual(len(files), 16)
        status, out, err = govbus("validate", *files)
        self.assertEqual(status, 0, out + err)
        self.assertEqual(out.count(": OK"), len(files), out)

    def test_each_json_example_and_its_xml_twin_are_the_same_message(self):
        for j in sorted(glob.glob(os.path.join(EXAMPLES, "*.json"))):
            x = j[:-5] + ".xml"
            with self.subTest(example=os.path.basename(j)):
                self.assertTrue(os.path.exists(x), "no XML twin for " + j)
                status, as_json, err = govbus("convert", "--to", "json", x)
                self.assertEqual(status, 0, err)
                with open(j) as f:
                    self.assertEqual(json.loads(as_json), json.load(f))
                status, as_xml, err = govbus("convert", "--to", "xml", j)
                self.assertEqual(status, 0, err)
                with open(x) as f:
                    self.assertEqual(as_xml.strip(), f.read().strip())


if __name__ == "__main__":
    unittest.main()

#!/usr/bin/python3
"""Writes tests/data/invalid/: hostile and wrong messages, each beside a
NAME.expect file (NAME includes the extension) holding the reason code it
must produce (line 1; "warning CODE" when the message is accepted with that
warning) and, when it matters, the start of the place the problem must name
(line 2: JSON Pointer or XPath). Oversize messages are not stored: the
corpus runner pads a valid message past the size cap itself. Run it after changing the valid examples; review the diff."""
import json, pathlib, re

here = pathlib.Path(__file__).resolve().parent
docs = here.parent.parent / "docs" / "examples"
out = here / "invalid"
out.mkdir(exist_ok=True)

def write(name, text, code, where=None):
    (out / name).write_text(text, encoding="utf-8")
    (out / (name + ".expect")).write_text(code + "\n" + (where + "\n" if where else ""), encoding="utf-8")

apply_json = json.loads((here / "valid" / "case-apply-natural.json").read_text(encoding="utf-8"))
apply_xml = (docs / "case-apply-natural.xml").read_text(encoding="utf-8")
legal_json = json.loads((here / "valid" / "case-apply-legal.json").read_text(encoding="utf-8"))

def jdump(v):
    return json.dumps(v, ensure_ascii=False, indent=2) + "\n"

def jmut(base, fn):
    v = json.loads(json.dumps(base))
    fn(v)
    return jdump(v)

# --- hostile XML: DTDs, entities, caps ---
write("xxe-file.xml", apply_xml.replace('<?xml version="1.0" encoding="UTF-8" standalone="no" ?>',
      '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE env:envelope [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>')
      .replace("<name>张三</name>", "<name>&xxe;</name>"), "xml.doctype")
laughs = "".join(f'<!ENTITY l{i} "{"&l%d;" % (i - 1) * 10 if i else "lol"}">' for i in range(10))
write("billion-laughs.xml", apply_xml.replace('<?xml version="1.0" encoding="UTF-8" standalone="no" ?>',
      f'<?xml version="1.0"?>\n<!DOCTYPE env:envelope [{laughs}]>').replace("<name>张三</name>", "<name>&l9;</name>"),
      "xml.doctype")
write("external-dtd.xml", apply_xml.replace('<?xml version="1.0" encoding="UTF-8" standalone="no" ?>',
      '<?xml version="1.0"?>\n<!-- a comment first -->\n<!DOCTYPE env:envelope SYSTEM "http://127.0.0.1:9/evil.dtd">'),
      "xml.doctype")
deep = "".join("<x>" for _ in range(80)) + "".join("</x>" for _ in range(80))
write("too-deep.xml", apply_xml.replace("<entry key=\"capital\">50000</entry>", f'<entry key="capital">{deep}</entry>'),
      "xml.too_deep")
attrs = " ".join(f'a{i}="{i}"' for i in range(100))
write("too-many-attributes.xml", apply_xml.replace("<env:priority>4</env:priority>", f"<env:priority {attrs}>4</env:priority>"),
      "xml.too_many_attributes")
write("malformed.xml", apply_xml.replace("</env:header>", "</env:headr>"), "xml.malformed")
# --- XML schema ---
write("missing-source.xml", re.sub(r"\s*<env:source>.*?</env:source>", "", apply_xml), "schema.invalid", "/env:envelope/env:header")
write("extra-header-element.xml", apply_xml.replace("<env:priority>4</env:priority>",
      "<env:priority>4</env:priority>\n    <env:routeVia>national</env:routeVia>"), "schema.invalid", "/env:envelope/env:header")
write("missing-submitted.xml", re.sub(r"\s*<submitted>.*?</submitted>", "", apply_xml), "schema.invalid", "/env:envelope/env:payload")
write("form-value-too-long.xml", apply_xml.replace(">50000<", ">" + "9" * 5000 + "<"), "schema.invalid", "/env:envelope/env:payload")
write("priority-out-of-range.xml", apply_xml.replace("<env:priority>4</env:priority>", "<env:priority>12</env:priority>"),
      "schema.invalid", "/env:envelope/env:header")
# --- patterns (the codec checks them after parsing, for both encodings) ---
write("bad-uuid.xml", apply_xml.replace("<env:id>3f2b8c1e-5d4a-4e8b-9c7d-000000000001</env:id>",
      "<env:id>not-a-uuid</env:id>"), "schema.invalid", "/env:envelope/env:header/env:id")
write("empty-type.xml", apply_xml.replace("<env:type>case.apply</env:type>", "<env:type></env:type>"),
      "schema.invalid", "/env:envelope/env:header/env:type")
write("id-number-too-short.xml", apply_xml.replace("11010519491231002X", "1101051949123100"),
      "schema.invalid", "/env:envelope/env:payload")
write("id-number-too-short.json", jmut(apply_json, lambda v: v["payload"]["applicant"]["naturalPerson"].update(
      idNumber="1101051949123100")), "schema.invalid", "/payload/applicant/naturalPerson/idNumber")
write("hop-time-without-offset.json", jmut(apply_json, lambda v: v.update(
      hops=[{"node": "province-510000", "time": "2024-05-20T09:30:00"}])), "schema.invalid", "/hops/0/time")
write("type-upper-case.json", jmut(apply_json, lambda v: v["header"].update(type="CASE.APPLY")),
      "schema.invalid", "/header/type")
# --- XML data rules ---
write("id-number-check-digit.xml", apply_xml.replace("11010519491231002X", "110105194912310021"), "data.id_number")
write("unknown-region.xml", apply_xml.replace("<env:region>510100</env:region>\n    <env:itemCode>",
      "<env:region>519900</env:region>\n    <env:itemCode>"), "data.region_code")

# --- hostile JSON ---
write("duplicate-key.json", jdump(apply_json).replace('"type": "case.apply",', '"type": "case.apply",\n    "type": "case.result",'),
      "json.duplicate_key", "/header/type")
write("too-deep.json", jdump(apply_json).replace('"capital": "50000"', '"capital": ' + "[" * 100 + "]" * 100),
      "json.too_deep")
write("malformed.json", jdump(apply_json).replace('"priority": 4', '"priority": 4,'), "json.malformed")
write("trailing-garbage.json", jdump(apply_json) + "{}", "json.malformed")
def write_bytes(name, data, code):
    (out / name).write_bytes(data)
    (out / (name + ".expect")).write_text(code + "\n", encoding="utf-8")
# A NUL ends the text for C readers: what follows must not slip through.
write_bytes("nul-then-garbage.json", jdump(apply_json).encode() + b"\0{}", "json.malformed")
# RFC 3629: a broken sequence, an overlong '/', a UTF-16 surrogate.
text = jdump(apply_json).encode()
for name, bad in (("bad-utf8-sequence.json", b"\xc3\x28"), ("bad-utf8-overlong.json", b"\xc0\xaf"),
                  ("bad-utf8-surrogate.json", b"\xed\xa0\x80")):
    write_bytes(name, text.replace(b'"cd.portal"', b'"cd.portal' + bad + b'"', 1), "json.malformed")
# --- JSON schema ---
write("missing-source.json", jmut(apply_json, lambda v: v["header"].pop("source")), "schema.invalid", "/header")
write("extra-header-member.json", jmut(apply_json, lambda v: v["header"].update(routeVia="national")), "schema.invalid", "/header")
write("unknown-type.json", jmut(apply_json, lambda v: v["header"].update(type="case.appeal")), "schema.unknown_type", "/header/type")
write("bad-uuid.json", jmut(apply_json, lambda v: v["header"].update(id="not-a-uuid")), "schema.invalid", "/header/id")
write("created-without-offset.json", jmut(apply_json, lambda v: v["header"].update(created="2024-05-20T09:30:00")),
      "schema.invalid", "/header/created")
# --- JSON data rules ---
write("id-number-check-digit.json", jmut(apply_json, lambda v: v["payload"]["applicant"]["naturalPerson"].update(idNumber="110105194912310021")),
      "data.id_number", "/payload/applicant/naturalPerson/idNumber")
write("id-number-birth-date.json", jmut(apply_json, lambda v: v["payload"]["applicant"]["naturalPerson"].update(idNumber="110105194902301234")),
      "data.id_number", "/payload/applicant/naturalPerson/idNumber")
write("credit-code-check.json", jmut(legal_json, lambda v: v["payload"]["applicant"]["legalPerson"].update(creditCode="91350100M000100Y44")),
      "warning data.credit_code", "/payload/applicant/legalPerson/creditCode")
# a warning found before an error in the same payload: the error is the reason
write("credit-code-warning-then-bad-phone.json", jmut(legal_json, lambda v: v["payload"]["applicant"]["legalPerson"].update(
      creditCode="91350100M000100Y44", phone="call me")), "schema.invalid", "/payload/applicant/legalPerson/phone")
write("unknown-region.json", jmut(apply_json, lambda v: v["header"].update(region="519900")), "data.region_code", "/header/region")
write("case-number-check.json", jmut(apply_json, lambda v: v["header"].update(caseNumber="510100202405200000421")),
      "data.case_number", "/header/caseNumber")
write("phone.json", jmut(apply_json, lambda v: v["payload"]["applicant"]["naturalPerson"].update(phone="1381234567")),
      "data.phone", "/payload/applicant/naturalPerson/phone")

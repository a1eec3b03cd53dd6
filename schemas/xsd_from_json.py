#!/usr/bin/python3
"""Writes each payload's XSD from its JSON Schema, so the two encodings of a
payload can never drift apart. The JSON Schema (payload.schema.json) is the
source; payload.xsd beside it is generated and committed.

The mapping is the one the codec uses between an XML payload and its JSON tree
(docs/integrator.md "How XML and JSON payloads correspond"):
  object with properties       -> element per member, in an xs:all (any order)
  object with oneOf [required a], [required b] -> xs:choice of a | b
  object with additionalProperties only (a free map)
                               -> repeated <entry key="name">text</entry>, keys unique
  array                        -> repeated <item> children
  string / integer / boolean   -> xs:string (pattern, enum, length) / xs:long / xs:boolean
  string with x-govbus-rule    -> a named simpleType per rule (CitizenId, CreditCode ...)

Usage: xsd_from_json.py [--check] [SCHEMA_DIR]
  --check  write nothing; exit 1 and name the stale files when an XSD differs.
"""
import json
import pathlib
import sys
from xml.sax.saxutils import escape, quoteattr

XS = "http://www.w3.org/2001/XMLSchema"


def pascal(name):
    parts = name.replace(".", "-").replace("_", "-").split("-")
    return "".join(p[:1].upper() + p[1:] for p in parts)


class Writer:
    def __init__(self, schema):
        self.schema = schema
        self.defs = schema.get("definitions", {})
        self.rule_types = {}  # rule -> string schema
        self.lines = []

    def resolve(self, s):
        ref = s.get("$ref")
        if ref:
            assert ref.startswith("#/definitions/"), ref
            return self.defs[ref[len("#/definitions/"):]], ref[len("#/definitions/"):]
        return s, None

    def out(self, depth, text):
        self.lines.append("  " * depth + text)

    def doc(self, depth, s):
        if "description" in s:
            self.out(depth, "<xs:annotation><xs:documentation>%s</xs:documentation></xs:annotation>"
                     % escape(s["description"]))

    def type_name(self, s):
        """The named type an element refers to, or None when it is declared inline."""
        target, def_name = self.resolve(s)
        if target.get("type") == "string" and "x-govbus-rule" in target:
            rule = target["x-govbus-rule"]
            known = self.rule_types.setdefault(rule, target)
            assert known.get("pattern") == target.get("pattern"), "rule %s has two patterns" % rule
            return pascal(rule)
        if def_name:
            return pascal(def_name)
        if target.get("type") == "integer" and not ({"minimum", "maximum"} & target.keys()):
            return "xs:long"
        if target.get("type") == "boolean":
            return "xs:boolean"
        return None

    def element(self, depth, name, s, min_occurs, max_occurs="1"):
        occurs = ""
        if min_occurs != 1:
            occurs += ' minOccurs="%s"' % min_occurs
        if max_occurs != "1":
            occurs += ' maxOccurs="%s"' % max_occurs
        named = self.type_name(s)
        if named:
            if "description" in s:
                self.out(depth, '<xs:element name="%s" type="%s"%s>' % (name, named, occurs))
                self.doc(depth + 1, s)
                self.out(depth, "</xs:element>")
            else:
                self.out(depth, '<xs:element name="%s" type="%s"%s/>' % (name, named, occurs))
            return
        self.out(depth, '<xs:element name="%s"%s>' % (name, occurs))
        self.doc(depth + 1, s)
        self.anonymous_type(depth + 1, name, s)
        self.out(depth, "</xs:element>")

    def anonymous_type(self, depth, name, s):
        t = s.get("type")
        if t == "object" or t == "array":
            self.out(depth, "<xs:complexType>")
            self.complex_content(depth + 1, s)
            self.out(depth, "</xs:complexType>")
            if t == "object" and "properties" not in s:
                self.out(depth, '<xs:unique name="%sKey"><xs:selector xpath="p:entry"/><xs:field xpath="@key"/></xs:unique>'
                         % name)
        else:
            self.simple_type(depth, s, named=None)

    def complex_content(self, depth, s):
        t = s.get("type")
        if t == "array":
            max_items = str(s["maxItems"]) if "maxItems" in s else "unbounded"
            self.out(depth, "<xs:sequence>")
            self.element(depth + 1, "item", s["items"], s.get("minItems", 0), max_items)
            self.out(depth, "</xs:sequence>")
            return
        props = s.get("properties")
        if props is None:  # a free map of text values
            max_props = str(s["maxProperties"]) if "maxProperties" in s else "unbounded"
            value = s["additionalProperties"]
            self.out(depth, "<xs:sequence>")
            self.out(depth + 1, '<xs:element name="entry" minOccurs="0" maxOccurs="%s">' % max_props)
            self.out(depth + 2, "<xs:complexType><xs:simpleContent>")
            self.out(depth + 3, '<xs:extension base="%s">' % self.map_value_type(value))
            self.out(depth + 4, '<xs:attribute name="key" use="required" type="EntryKey"/>')
            self.out(depth + 3, "</xs:extension>")
            self.out(depth + 2, "</xs:simpleContent></xs:complexType>")
            self.out(depth + 1, "</xs:element>")
            self.out(depth, "</xs:sequence>")
            return
        required = set(s.get("required", []))
        choice = [alt["required"][0] for alt in s.get("oneOf", [])]
        if choice:
            assert set(choice) == set(props), "a choice object holds only its alternatives"
            self.out(depth, "<xs:choice>")
            for name in choice:
                self.element(depth + 1, name, props[name], 1)
            self.out(depth, "</xs:choice>")
            return
        self.out(depth, "<xs:all>")
        for name, p in props.items():
            self.element(depth + 1, name, p, 1 if name in required else 0)
        self.out(depth, "</xs:all>")

    def map_value_type(self, value):
        assert value.get("type") == "string"
        name = "MapValue%d" % value.get("maxLength", 0)
        self.rule_types.setdefault("#" + name, value)
        return name

    def simple_type(self, depth, s, named):
        t = s.get("type", "string")
        head = '<xs:simpleType name="%s">' % named if named else "<xs:simpleType>"
        self.out(depth, head)
        if named:
            self.doc(depth + 1, s)
        if t == "integer":
            self.out(depth + 1, '<xs:restriction base="xs:long">')
            if "minimum" in s:
                self.out(depth + 2, '<xs:minInclusive value="%d"/>' % s["minimum"])
            if "maximum" in s:
                self.out(depth + 2, '<xs:maxInclusive value="%d"/>' % s["maximum"])
        else:
            assert t == "string" or "enum" in s, s
            self.out(depth + 1, '<xs:restriction base="xs:string">')
            for v in s.get("enum", []):
                self.out(depth + 2, "<xs:enumeration value=%s/>" % quoteattr(v))
            if "minLength" in s:
                self.out(depth + 2, '<xs:minLength value="%d"/>' % s["minLength"])
            if "maxLength" in s:
                self.out(depth + 2, '<xs:maxLength value="%d"/>' % s["maxLength"])
            if "pattern" in s:
                # JSON Schema patterns search; XSD patterns match the whole value.
                pattern = s["pattern"]
                assert pattern.startswith("^") and pattern.endswith("$"), pattern
                self.out(depth + 2, "<xs:pattern value=%s/>" % quoteattr(pattern[1:-1]))
        self.out(depth + 1, "</xs:restriction>")
        self.out(depth, "</xs:simpleType>")

    def named_definitions(self, depth):
        for name, d in self.defs.items():
            if d.get("type") == "string" and "x-govbus-rule" in d:
                continue  # emitted once per rule below
            if d.get("type") in ("object", "array"):
                self.out(depth, '<xs:complexType name="%s">' % pascal(name))
                self.doc(depth + 1, d)
                self.complex_content(depth + 1, d)
                self.out(depth, "</xs:complexType>")
            else:
                self.simple_type(depth, d, pascal(name))

    def write(self):
        ns = self.schema["id"]
        root = self.schema["title"]
        body_start = len(self.lines)
        self.element(1, root, self.schema, 1)
        self.named_definitions(1)
        self.out(1, '<xs:simpleType name="EntryKey"><xs:restriction base="xs:string">'
                 '<xs:minLength value="1"/><xs:maxLength value="128"/></xs:restriction></xs:simpleType>')
        emitted = set()
        while len(emitted) < len(self.rule_types):  # rule types found while emitting others
            for rule, s in list(self.rule_types.items()):
                if rule in emitted:
                    continue
                emitted.add(rule)
                if rule.startswith("#"):
                    self.simple_type(1, s, rule[1:])
                else:
                    doc = dict(s)
                    doc["description"] = "Data rule %s (bus/rules/data_rules.hpp), checked after validation." % rule
                    self.simple_type(1, doc, pascal(rule))
        body = self.lines[body_start:]
        head = [
            '<?xml version="1.0" encoding="UTF-8"?>',
            "<!-- GENERATED by schemas/xsd_from_json.py from payload.schema.json beside it; edit that file. -->",
            '<xs:schema xmlns:xs="%s" targetNamespace="%s" xmlns="%s" xmlns:p="%s"' % (XS, ns, ns, ns),
            '           elementFormDefault="qualified" attributeFormDefault="unqualified">',
            "  <xs:annotation><xs:documentation>%s</xs:documentation></xs:annotation>"
            % escape(self.schema.get("description", "")),
        ]
        return "\n".join(head + body + ["</xs:schema>", ""])


def main(argv):
    check = "--check" in argv
    args = [a for a in argv if a != "--check"]
    root = pathlib.Path(args[0]) if args else pathlib.Path(__file__).resolve().parent
    stale = []
    for src in sorted(root.glob("payload/*/*/payload.schema.json")):
        text = Writer(json.loads(src.read_text(encoding="utf-8"))).write()
        dst = src.with_name("payload.xsd")
        if dst.exists() and dst.read_text(encoding="utf-8") == text:
            continue
        if check:
            stale.append(str(dst))
        else:
            dst.write_text(text, encoding="utf-8")
            print("wrote", dst)
    if stale:
        print("stale (run schemas/xsd_from_json.py):", *stale, sep="\n  ")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

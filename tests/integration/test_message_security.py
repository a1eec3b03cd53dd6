"""Message and transport security through real nodes (docs/security.md): a
deployment PKI made with `govbus pki`, AMQP over TLS with client certificates
and SASL EXTERNAL, signatures on every message. A signed case travels down
and its signed result (one department on the gm suite) comes back; each attack
is rejected with its reason code, logged, and the link keeps working."""

import json
import os
import re
import time
import unittest
import uuid

from proton.reactor import Container

from govbus_harness import (DispositionRecorder, Topology, case_answer, case_apply, govbus, govbus_checked,
                            now_rfc3339, wait_until)


class MessageSecurity(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        # Chengdu civil affairs signs with the gm suite: its registry entry says so.
        import tempfile
        from govbus_harness import SOURCE
        with open(os.path.join(SOURCE, "etc", "endpoints-city-510100.yaml"), encoding="utf-8") as f:
            text = f.read()
        text = text.replace("  - id: cd.civil\n", "  - id: cd.civil\n    suite: gm\n", 1)
        fd, cls.registry = tempfile.mkstemp(suffix=".yaml")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        registry = cls.registry
        cls.topo = Topology(secure=True, endpoints={"city-510100": registry})
        topo = cls.topo
        # A second CA: trusted, with a revoked certificate for the portal and an expired one.
        cls.other_ca = os.path.join(topo.dir, "pki-other")
        govbus_checked("pki", "init", "--dir", cls.other_ca)
        govbus_checked("pki", "issue", "--dir", cls.other_ca, "--name", "sc.portal")
        govbus_checked("pki", "revoke", "--dir", cls.other_ca, "--name", "sc.portal", "--reason", "keyCompromise")
        cls.stranger_ca = os.path.join(topo.dir, "pki-stranger")  # never trusted
        govbus_checked("pki", "init", "--dir", cls.stranger_ca)
        cls.gm_ca = os.path.join(topo.dir, "pki-gm")
        govbus_checked("pki", "init", "--dir", cls.gm_ca, "--suite", "gm")
        cls.short_ca = os.path.join(topo.dir, "pki-short")  # trusted, issues a certificate that expires at once
        govbus_checked("pki", "init", "--dir", cls.short_ca)
        govbus_checked("pki", "issue", "--dir", cls.short_ca, "--name", "sc.portal", "--days", "0")
        topo.extra_cas = [cls.other_ca, cls.gm_ca, cls.short_ca]
        for d in topo.extra_cas:
            govbus_checked("pki", "crl", "--dir", d)
        for node in topo.ports:  # rewrite the configurations now that every CA exists
            spec = [n for n in __import__("govbus_harness").NODES if n[0] == node][0]
            topo._write_config(*spec)
        topo.start_all()

    @classmethod
    def tearDownClass(cls):
        cls.topo.__exit__(None, None, None)
        os.unlink(cls.registry)

    def tls_of(self, endpoint_id, ca=None):
        key, crt = self.topo.endpoint_credentials(endpoint_id, ca)
        return (os.path.join(self.topo.pki, "ca.crt"), crt, key)

    def send_all(self, node, endpoint_id, messages, tls=None):
        return self.recorder(node, endpoint_id, messages, tls).outcomes

    def recorder(self, node, endpoint_id, messages, tls=None):
        rec = DispositionRecorder(self.topo.url(node), messages, tls=tls or self.tls_of(endpoint_id))
        Container(rec).run()
        return rec

    def test_a_signed_case_goes_down_over_tls_and_a_gm_signed_result_comes_back(self):
        portal = self.topo.endpoint("province-510000", "sc.portal")
        # OpenSSL 3.0 has no TLCP (SM2 TLS): a gm endpoint connects with its
        # intl transport certificate and signs with its SM2 one.
        civil_creds = self.topo.endpoint_credentials("cd.civil", self.gm_ca)
        civil = self.topo.endpoint("city-510100", "cd.civil")
        try:
            apply = case_apply(701, department="civil")
            portal.send(self.topo.sign(apply, "sc.portal"))
            got, _ = civil.receive()
            self.assertEqual(got["header"]["id"], apply["header"]["id"])
            self.assertEqual(got["security"]["signer"], "sc.portal")
            self.assertEqual([h["node"] for h in got["hops"]], ["province-510000", "city-510100"])
            result = case_answer(got, "case.result", "cd.civil")
            civil.send(self.topo.sign(result, "cd.civil", credentials=civil_creds))
            back, _ = portal.receive()
            self.assertEqual(back["header"]["id"], result["header"]["id"])
            self.assertEqual(back["security"]["suite"], "gm")
            # XML too.
            apply_xml = case_apply(702, department="civil")
            path = os.path.join(self.topo.dir, "apply.json")
            with open(path, "w", encoding="utf-8") as f:
                json.dump(apply_xml, f, ensure_ascii=False)
            xml = govbus_checked("convert", "--to", "xml", path).encode()
            portal.send(self.topo.sign(xml, "sc.portal"), content_type="application/xml")
            got_xml, _ = civil.receive()
            self.assertIn(b"<ds:Signature", got_xml)
            self.assertIn(apply_xml["header"]["id"].encode(), got_xml)
        finally:
            portal.close()
            civil.close()

    def test_each_attack_is_rejected_with_its_reason_and_the_link_keeps_working(self):
        topo = self.topo
        sign = topo.sign

        def fresh(seq):
            return case_apply(seq, department="market")

        def tampered():
            signed = json.loads(sign(fresh(801), "sc.portal"))
            signed["header"]["destination"]["department"] = "civil"
            return json.dumps(signed, ensure_ascii=False).encode()

        def tampered_payload():
            signed = json.loads(sign(fresh(802), "sc.portal"))
            signed["payload"]["applicant"]["naturalPerson"]["name"] = "李四"
            return json.dumps(signed, ensure_ascii=False).encode()

        def stale():
            old = fresh(803)
            old["header"]["created"] = now_rfc3339(-3600)
            return sign(old, "sc.portal")

        def wrong_type():
            answer = case_answer(fresh(804), "case.result", "sc.portal")
            return sign(answer, "sc.portal")

        def wrapped_xml():
            path = os.path.join(topo.dir, "wrap.json")
            with open(path, "w", encoding="utf-8") as f:
                json.dump(fresh(805), f, ensure_ascii=False)
            xml = sign(govbus_checked("convert", "--to", "xml", path).encode(), "sc.portal").decode()
            header = re.search(r"<env:header Id=\"[^\"]*\">[\s\S]*?</env:header>", xml).group(0)
            forged = re.sub(r'Id="[^"]*"', 'Id="forged"', header.replace("market", "civil"))
            # The signed header hidden in the signature's own ds:Object (which the
            # envelope schema lets through), a forged one where the node reads.
            xml = xml.replace(header, forged).replace("</ds:Signature>", "<ds:Object>" + header + "</ds:Object></ds:Signature>")
            return xml.encode()

        good = fresh(809)
        attacks = [
            ("unsigned", json.dumps(fresh(806), ensure_ascii=False).encode(), "security.signature_missing"),
            ("tampered-header", tampered(), "security.bad_signature"),
            ("tampered-payload", tampered_payload(), "security.bad_signature"),
            ("signed-by-another-endpoint", sign(fresh(807), "cd.market"), "security.signer_not_source"),
            ("unknown-ca", sign(fresh(808), "sc.portal", credentials=topo.endpoint_credentials("sc.portal", self.stranger_ca)),
             "security.cert_untrusted"),
            ("revoked", sign(fresh(810), "sc.portal", credentials=(os.path.join(self.other_ca, "sc.portal.key"),
                                                                  os.path.join(self.other_ca, "sc.portal.crt"))),
             "security.cert_revoked"),
            ("expired", sign(fresh(811), "sc.portal", credentials=(os.path.join(self.short_ca, "sc.portal.key"),
                                                                  os.path.join(self.short_ca, "sc.portal.crt"))),
             "security.cert_expired"),
            ("replayed-old", stale(), "replay.window"),
            ("wrong-suite", sign(fresh(812), "sc.portal", credentials=topo.endpoint_credentials("sc.portal", self.gm_ca)),
             "security.suite_mismatch"),
            ("type-not-allowed", wrong_type(), "acl.denied"),
            ("xml-wrapping", wrapped_xml(), "security.signature_wrapping"),
            ("good", sign(good, "sc.portal"), None),
        ]
        messages = [(n, b, "application/xml" if b.lstrip()[:1] == b"<" else "application/json") for n, b, _ in attacks]
        outcomes = self.send_all("province-510000", "sc.portal", messages)
        for name, _, code in attacks:
            if code is None:
                self.assertEqual(outcomes[name], ("accepted", None), name)
            else:
                self.assertEqual(outcomes[name], ("rejected", "govbus:" + code), name)

        # The same good message again (a replay inside the window) is not delivered twice.
        market = topo.endpoint("city-510100", "cd.market")
        try:
            self.assertEqual(self.send_all("province-510000", "sc.portal", [("again", sign(good, "sc.portal"),
                                                                               "application/json")])["again"][0],
                             "accepted")
            got, _ = market.receive()
            self.assertEqual(got["header"]["id"], good["header"]["id"])
            with self.assertRaises(Exception):
                market.receive(timeout=2)
        finally:
            market.close()

        # Every rejection is in the province's exchange log with its reason.
        log = os.path.join(topo.dir, "data", "province-510000", "exchange-log.db")
        rc, out = govbus("audit", "search", "--log", log, "--event", "rejected", "--format", "json")
        self.assertEqual(rc, 0, out)
        for _, _, code in attacks:
            if code:
                self.assertIn(code, out)

    def test_tls_refuses_a_client_without_a_certificate_and_one_acting_as_another_endpoint(self):
        no_cert = (os.path.join(self.topo.pki, "ca.crt"), None, None)
        rec = self.recorder("province-510000", "sc.portal", [("x", b"{}", "application/json")], tls=no_cert)
        self.assertNotIn("x", rec.outcomes)
        self.assertIsNotNone(rec.transport_error)
        # cd.market's certificate, a message naming sc.portal as its source.
        body = self.topo.sign(case_apply(820, department="market"), "sc.portal")
        outcomes = self.send_all("province-510000", "cd.market", [("impostor", body, "application/json")])
        self.assertEqual(outcomes["impostor"], ("rejected", "govbus:auth.identity_mismatch"))
        # The exchange log files the refusal under the certificate's endpoint, not the one the message claims.
        log = os.path.join(self.topo.dir, "data", "province-510000", "exchange-log.db")

        def refusals():
            rc, out = govbus("audit", "search", "--log", log, "--reason", "auth.identity_mismatch", "--format", "json")
            self.assertEqual(rc, 0, out)
            return [json.loads(line) for line in out.splitlines() if line.startswith("{")]
        wait_until(lambda: refusals(), 20, "the refusal in the province's exchange log")
        self.assertEqual([(r["source"], r["type"]) for r in refusals()], [("cd.market", "case.apply")])


    def test_a_newly_published_crl_takes_effect_without_a_restart(self):
        def query():
            return {"header": {"id": str(uuid.uuid4()), "type": "data.query", "schemaVersion": "1.0",
                               "source": "cd.window", "destination": {"department": "population"},
                               "region": "510104", "created": now_rfc3339()},
                    "payload": {"mode": "exact", "dataset": "population", "keys": ["11010519491231002X"],
                                "purpose": "核验"}}
        first = self.send_all("city-510100", "cd.window", [("q", self.topo.sign(query(), "cd.window"), "application/json")])
        self.assertEqual(first["q"], ("accepted", None))
        govbus_checked("pki", "revoke", "--dir", self.topo.pki, "--name", "cd.window", "--reason", "keyCompromise")
        govbus_checked("pki", "crl", "--dir", self.topo.pki)
        deadline, outcome = time.time() + 15, None
        while time.time() < deadline:
            out = self.send_all("city-510100", "cd.window", [("q", self.topo.sign(query(), "cd.window"), "application/json")])
            outcome = out["q"]
            if outcome[0] == "rejected":
                break
            time.sleep(0.5)
        self.assertEqual(outcome, ("rejected", "govbus:security.cert_revoked"))


if __name__ == "__main__":
    unittest.main()

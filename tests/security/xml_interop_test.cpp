// XML-DSig and XML-Enc for XML envelopes, checked by xmlsec1 (an
// implementation govbus shares no code with) and against the attacks the
// node must refuse, signature wrapping first among them.
#define BOOST_TEST_MODULE xml_security
#include <boost/test/unit_test.hpp>

#include "bus/codec/codec.hpp"
#include "security/pki.hpp"
#include "security/xml/xml_encryption.hpp"
#include "security/xml/xml_signature.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

using namespace govbus;
using namespace govbus::security;
namespace fs = std::filesystem;

namespace {

std::string slurp(const fs::path& f) {
    std::ifstream in(f, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}
void write(const fs::path& f, std::string_view bytes) { std::ofstream(f, std::ios::binary) << bytes; }

std::pair<int, std::string> run(const std::string& command) {
    std::string out;
    FILE* p = popen((command + " 2>&1").c_str(), "r");
    char buf[4096];
    while (p && fgets(buf, sizeof buf, p)) out += buf;
    int rc = p ? pclose(p) : -1;
    return {rc, out};
}

std::string replace(std::string s, const std::string& from, const std::string& to) {
    auto at = s.find(from);
    BOOST_REQUIRE_MESSAGE(at != std::string::npos, "'" << from << "' not in the message");
    return s.replace(at, from.size(), to);
}

const codec::Codec& the_codec() {
    static const codec::Codec c;
    return c;
}

struct Fixture {
    fs::path dir;
    std::string envelope = slurp(fs::path(GOVBUS_SOURCE_DIR) / "docs/examples/case-apply-natural.xml");
    Fixture() {
        char name[] = "/tmp/govbus-xmlsec-XXXXXX";
        dir = mkdtemp(name);
    }
    ~Fixture() { fs::remove_all(dir); }
    struct Party {
        PKey key;
        Certificate cert;
        std::string key_file, cert_file, ca_file;
    };
    Party party(const std::string& ca, Suite suite, bool rsa, const std::string& id) {
        const std::string ca_dir = (dir / ca).string();
        if (!fs::exists(ca_dir)) {
            PkiInit init;
            init.dir = ca_dir;
            init.suite = suite;
            init.rsa = rsa;
            BOOST_REQUIRE(pki_init(init).ok());
        }
        PkiIssue issue;
        issue.dir = ca_dir;
        issue.id = id;
        issue.rsa = rsa;
        auto i = pki_issue(issue);
        BOOST_REQUIRE(i.ok());
        return {std::move(load_private_key(i->key_file).value()), std::move(load_certificate(i->cert_file).value()),
                i->key_file, i->cert_file, ca_dir + "/ca.crt"};
    }
    std::pair<int, std::string> xmlsec_verify(const std::string& xml, const std::string& ca) {
        write(dir / "signed.xml", xml);
        return run("xmlsec1 --verify --id-attr:Id header --id-attr:Id payload --id-attr:Id EncryptedData --trusted-pem " +
                   ca + " " + (dir / "signed.xml").string());
    }
};

template <class T>
std::string why(const Result<T>& r) { return r.ok() ? std::string() : r.problem().to_string(); }

std::string code_of(const Result<XmlSignatureCheck>& r) { return r.ok() ? "ok" : r.problem().code; }

}  // namespace

BOOST_FIXTURE_TEST_SUITE(xml_security, Fixture)

BOOST_AUTO_TEST_CASE(xmlsec1_verifies_govbus_ecdsa_and_rsa_signatures_and_refuses_altered_ones) {
    auto ec = party("ec", Suite::intl, false, "cd.portal");
    auto rsa = party("rsa", Suite::intl, true, "cd.portal");
    for (Party* p : {&ec, &rsa}) {
        auto signed_xml = sign_xml_envelope(envelope, p->key.get(), p->cert.get());
        BOOST_REQUIRE_MESSAGE(signed_xml.ok(), why(signed_xml));
        auto [rc, out] = xmlsec_verify(*signed_xml, p->ca_file);
        BOOST_TEST(rc == 0, out);
        BOOST_TEST(code_of(verify_xml_envelope(*signed_xml)) == "ok");
        BOOST_TEST(the_codec().decode(*signed_xml).ok());  // still a valid envelope
        BOOST_TEST(xmlsec_verify(replace(*signed_xml, "<env:department>market", "<env:department>civil"), p->ca_file).first != 0);
    }
}

BOOST_AUTO_TEST_CASE(govbus_accepts_an_envelope_that_xmlsec1_signed) {
    auto ec = party("ec", Suite::intl, false, "cd.portal");
    const std::string tmpl = R"(<env:security><ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo>)"
        R"(<ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>)"
        R"(<ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256"/>)"
        R"(<ds:Reference URI="#h-1"><ds:Transforms><ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></ds:Transforms>)"
        R"(<ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue/></ds:Reference>)"
        R"(<ds:Reference URI="#p-1"><ds:Transforms><ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></ds:Transforms>)"
        R"(<ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue/></ds:Reference>)"
        R"(</ds:SignedInfo><ds:SignatureValue/><ds:KeyInfo><ds:X509Data/></ds:KeyInfo></ds:Signature></env:security>)";
    std::string t = replace(envelope, "<env:header>", "<env:header Id=\"h-1\">");
    t = replace(t, "<env:payload>", "<env:payload Id=\"p-1\">");
    t = replace(t, "</env:header>", "</env:header>\n  " + tmpl);
    write(dir / "template.xml", t);
    auto [rc, out] = run("xmlsec1 --sign --id-attr:Id header --id-attr:Id payload --privkey-pem " + ec.key_file + "," +
                         ec.cert_file + " --output " + (dir / "by-xmlsec1.xml").string() + " " + (dir / "template.xml").string());
    BOOST_REQUIRE_MESSAGE(rc == 0, out);
    auto check = verify_xml_envelope(slurp(dir / "by-xmlsec1.xml"));
    BOOST_REQUIRE_MESSAGE(check.ok(), code_of(check));
    BOOST_TEST(check->suite == "intl");
}

BOOST_AUTO_TEST_CASE(xmlsec1_decrypts_a_govbus_encrypted_payload) {
    auto market = party("rsa", Suite::intl, true, "cd.market");
    auto sealed = encrypt_xml_payload(envelope, market.cert.get(), "cd.market");
    BOOST_REQUIRE_MESSAGE(sealed.ok(), why(sealed));
    BOOST_TEST(sealed->find("11010519491231002X") == std::string::npos);
    BOOST_TEST(sealed->find("aes256-gcm") != std::string::npos);
    auto decoded = the_codec().decode(*sealed);
    BOOST_REQUIRE_MESSAGE(decoded.ok(), why(decoded));
    BOOST_TEST(decoded->security.recipient == "cd.market");
    write(dir / "sealed.xml", *sealed);
    auto [rc, out] = run("xmlsec1 --decrypt --privkey-pem " + market.key_file + " " + (dir / "sealed.xml").string());
    BOOST_TEST(rc == 0, out);
    BOOST_TEST(out.find("11010519491231002X") != std::string::npos, out);

    auto opened = decrypt_xml_payload(*sealed, market.key.get());
    BOOST_REQUIRE_MESSAGE(opened.ok(), why(opened));
    auto back = the_codec().decode(*opened);
    BOOST_REQUIRE_MESSAGE(back.ok(), why(back));
    BOOST_TEST((back->payload == the_codec().decode(envelope)->payload));
    auto ec = party("ec", Suite::intl, false, "cd.civil");
    BOOST_TEST(encrypt_xml_payload(envelope, ec.cert.get(), "cd.civil").problem().code == "security.unsupported_algorithm");
}

BOOST_AUTO_TEST_CASE(each_attack_on_an_xml_signature_is_refused_with_its_reason) {
    auto ec = party("ec", Suite::intl, false, "cd.portal");
    auto other = party("ec", Suite::intl, false, "cd.market");
    const std::string good = sign_xml_envelope(envelope, ec.key.get(), ec.cert.get()).value();
    BOOST_TEST(code_of(verify_xml_envelope(envelope)) == "security.signature_missing");
    BOOST_TEST(code_of(verify_xml_envelope(replace(good, "<env:region>510100</env:region>\n    <env:itemCode>",
                                                   "<env:region>510700</env:region>\n    <env:itemCode>"))) ==
               "security.bad_signature");
    BOOST_TEST(code_of(verify_xml_envelope(replace(good, "<name>张三</name>", "<name>李四</name>"))) ==
               "security.bad_signature");
    // Hops are outside the signature.
    BOOST_TEST(code_of(verify_xml_envelope(replace(good, "<env:payload", "<env:hops><env:hop><env:node>province-510000</env:node><env:time>2024-05-20T09:30:01+08:00</env:time></env:hop></env:hops>\n  <env:payload"))) == "ok");

    // Another party's certificate in KeyInfo.
    const std::regex cert_re("<ds:X509Certificate>[^<]*</ds:X509Certificate>");
    std::string other_b64 = slurp(other.cert_file);
    other_b64 = std::regex_replace(other_b64, std::regex("-----[^-]+-----|\\s"), "");
    BOOST_TEST(code_of(verify_xml_envelope(std::regex_replace(good, cert_re, "<ds:X509Certificate>" + other_b64 +
                                                                                 "</ds:X509Certificate>"))) ==
               "security.bad_signature");

    // Wrapping: the signed header moved into a wrapper, a forged one where the node reads.
    std::smatch m;
    BOOST_REQUIRE(std::regex_search(good, m, std::regex("<env:header Id=\"[^\"]*\">[\\s\\S]*?</env:header>")));
    const std::string signed_header = m.str();
    std::string forged = replace(signed_header, "<env:department>market", "<env:department>civil");
    forged = std::regex_replace(forged, std::regex("Id=\"[^\"]*\""), "Id=\"forged\"");
    std::string wrapped = replace(good, signed_header, forged);
    wrapped = replace(wrapped, "</env:security>", "<ds:Object xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\">" +
                                                      signed_header + "</ds:Object></env:security>");
    BOOST_TEST(code_of(verify_xml_envelope(wrapped)) == "security.signature_wrapping");
    // Same, keeping the signed Id on the forged header: two elements share an Id.
    std::string same_id = replace(good, signed_header, replace(signed_header, "<env:department>market", "<env:department>civil"));
    same_id = replace(same_id, "</env:security>", "<ds:Object xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\">" +
                                                      signed_header + "</ds:Object></env:security>");
    BOOST_TEST(code_of(verify_xml_envelope(same_id)) == "security.duplicate_id");

    // A second signature.
    BOOST_REQUIRE(std::regex_search(good, m, std::regex("<ds:Signature[\\s\\S]*</ds:Signature>")));
    BOOST_TEST(code_of(verify_xml_envelope(replace(good, "</env:security>", m.str() + "</env:security>"))) ==
               "security.signature_wrapping");
    // A transform other than exclusive c14n.
    BOOST_TEST(code_of(verify_xml_envelope(replace(good, "<ds:Transform Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/>",
                                                   "<ds:Transform Algorithm=\"http://www.w3.org/TR/1999/REC-xpath-19991116\"/>"))) ==
               "security.signature_wrapping");
}

BOOST_AUTO_TEST_CASE(the_gm_suite_signs_with_sm2_and_encrypts_with_sm4_under_govbus_uris) {
    auto portal = party("gm", Suite::gm, false, "cd.portal");
    auto market = party("gm", Suite::gm, false, "my.market");
    auto sealed = encrypt_xml_payload(envelope, market.cert.get(), "my.market");
    BOOST_REQUIRE_MESSAGE(sealed.ok(), why(sealed));
    BOOST_TEST(sealed->find(kXmlSm4CbcHmacSm3) != std::string::npos);
    auto signed_xml = sign_xml_envelope(*sealed, portal.key.get(), portal.cert.get());
    BOOST_REQUIRE_MESSAGE(signed_xml.ok(), why(signed_xml));
    BOOST_TEST(signed_xml->find(kXmlSm2Sm3) != std::string::npos);
    auto check = verify_xml_envelope(*signed_xml);
    BOOST_REQUIRE_MESSAGE(check.ok(), code_of(check));
    BOOST_TEST(check->suite == "gm");
    BOOST_TEST(the_codec().decode(*signed_xml).ok());

    // Altering the encrypted payload breaks the signature and the MAC.
    std::smatch m;
    BOOST_REQUIRE(std::regex_search(*signed_xml, m, std::regex("(<xenc:CipherValue>)([A-Za-z0-9+/]{8})")));
    std::string altered = *signed_xml;
    const auto last = altered.rfind("<xenc:CipherValue>") + 18;
    altered[last + 4] = altered[last + 4] == 'A' ? 'B' : 'A';
    BOOST_TEST(code_of(verify_xml_envelope(altered)) == "security.bad_signature");
    BOOST_TEST(decrypt_xml_payload(altered, market.key.get()).problem().code == "security.decrypt_failed");

    auto opened = decrypt_xml_payload(*signed_xml, market.key.get());
    BOOST_REQUIRE_MESSAGE(opened.ok(), why(opened));
    auto back = the_codec().decode(*opened);
    BOOST_REQUIRE_MESSAGE(back.ok(), why(back));
    BOOST_TEST((back->payload == the_codec().decode(envelope)->payload));
    BOOST_TEST(!decrypt_xml_payload(*signed_xml, portal.key.get()).ok());
}

BOOST_AUTO_TEST_SUITE_END()

// govbus sign | verify | encrypt | decrypt: message security for integrators
// and operators, XML or JSON by content (docs/security.md).
#include "bus/codec/codec.hpp"
#include "bus/core/file_text.hpp"
#include "security/envelope_verifier.hpp"
#include "security/jose/jwe.hpp"
#include "security/jose/jws.hpp"
#include "security/xml/xml_encryption.hpp"
#include "security/xml/xml_signature.hpp"
#include "tools/govbus/command.hpp"
#include "tools/govbus/command_options.hpp"

#include <fstream>
#include <iostream>
#include <sstream>

namespace po = boost::program_options;

namespace govbus::cli {

namespace {

using security::Certificate;
using security::PKey;

std::optional<std::string> read_input(const std::string& file) {
    if (file != "-") return read_whole_file(file);
    std::ostringstream s;
    s << std::cin.rdbuf();
    return s.str();
}

int report(const std::string& command, const std::string& file, const Problems& problems) {
    for (const auto& p : problems) std::cerr << file << ": " << p.code << ": " << p.message << "\n";
    (void)command;
    return 1;
}

int emit(const std::string& text, const std::string& output) {
    if (output.empty() || output == "-") {
        std::cout << text;
        return 0;
    }
    std::ofstream out(output, std::ios::binary | std::ios::trunc);
    out << text;
    return out ? 0 : 1;
}

bool is_xml(const std::string& text) { return codec::detect_encoding(text) == codec::Encoding::xml; }

int run_sign(const std::vector<std::string>& args) {
    std::string key_file, cert_file, file, output;
    bool pss = false;
    po::options_description o("govbus sign: sign an envelope as its source endpoint (XML-DSig or JWS)");
    o.add_options()("help,h", "show this help")("key", po::value(&key_file)->required(), "the endpoint's private key (PEM)")(
        "cert", po::value(&cert_file)->required(), "its certificate (PEM), put in the signature")(
        "pss", po::bool_switch(&pss), "JSON with an RSA key: PS256 instead of RS256")(
        "output,o", po::value(&output), "where to write (default: standard output)")(
        "file", po::value(&file)->required(), "the envelope, - for standard input");
    po::positional_options_description pos;
    pos.add("file", 1);
    if (auto rc = parse_command_options("sign", args, o, &pos)) return *rc;
    auto text = read_input(file);
    auto key = security::load_private_key(key_file);
    auto cert = security::load_certificate(cert_file);
    if (!text) return report("sign", file, {make_problem("io", "cannot read it")});
    if (!key) return report("sign", key_file, key.problems());
    if (!cert) return report("sign", cert_file, cert.problems());
    auto out = is_xml(*text) ? security::sign_xml_envelope(*text, key->get(), cert->get())
                             : security::sign_json_envelope(*text, key->get(), cert->get(), pss);
    if (!out) return report("sign", file, out.problems());
    return emit(*out, output);
}

int run_verify(const std::vector<std::string>& args) {
    std::vector<std::string> trust, crl, files;
    po::options_description o("govbus verify: check envelopes' signatures as a node does");
    o.add_options()("help,h", "show this help")("trust", po::value(&trust)->composing()->required(),
                                                "deployment CA certificate (repeat for several)")(
        "crl", po::value(&crl)->composing(), "revocation list (repeatable)")("file", po::value(&files)->multitoken()->required(),
                                                                     "envelopes");
    po::positional_options_description pos;
    pos.add("file", -1);
    if (auto rc = parse_command_options("verify", args, o, &pos)) return *rc;
    security::VerifierOptions vo;
    vo.trust = trust;
    vo.crl = crl;
    auto verifier = security::EnvelopeVerifier::make(vo);
    if (!verifier) return report("verify", "trust", verifier.problems());
    const codec::Codec codec;
    int status = 0;
    for (const auto& f : files) {
        auto text = read_input(f);
        if (!text) {
            status = report("verify", f, {make_problem("io", "cannot read it")});
            continue;
        }
        auto env = codec.decode(*text);
        if (!env) {
            status = report("verify", f, env.problems());
            continue;
        }
        const std::string no_peer;
        if (auto st = (*verifier)->verify(VerifyRequest{*env, *text, no_peer, false, {}}); !st) {
            status = report("verify", f, st.problems());
            continue;
        }
        std::cout << f << ": OK, signed by " << env->source << " (" << env->security.suite << ")\n";
    }
    return status;
}

int run_encrypt(const std::vector<std::string>& args) {
    std::string cert_file, recipient, file, output;
    po::options_description o("govbus encrypt: encrypt the payload for the destination endpoint (XML-Enc or JWE)");
    o.add_options()("help,h", "show this help")("for", po::value(&cert_file)->required(), "the recipient's certificate")(
        "recipient", po::value(&recipient)->required(), "the recipient's endpoint id")(
        "output,o", po::value(&output), "where to write (default: standard output)")(
        "file", po::value(&file)->required(), "the envelope, - for standard input");
    po::positional_options_description pos;
    pos.add("file", 1);
    if (auto rc = parse_command_options("encrypt", args, o, &pos)) return *rc;
    auto text = read_input(file);
    auto cert = security::load_certificate(cert_file);
    if (!text) return report("encrypt", file, {make_problem("io", "cannot read it")});
    if (!cert) return report("encrypt", cert_file, cert.problems());
    auto out = is_xml(*text) ? security::encrypt_xml_payload(*text, cert->get(), recipient)
                             : security::encrypt_json_payload(*text, cert->get(), recipient);
    if (!out) return report("encrypt", file, out.problems());
    return emit(*out, output);
}

int run_decrypt(const std::vector<std::string>& args) {
    std::string key_file, file, output;
    po::options_description o("govbus decrypt: restore an encrypted payload with the recipient's key");
    o.add_options()("help,h", "show this help")("key", po::value(&key_file)->required(), "the recipient's private key")(
        "output,o", po::value(&output), "where to write (default: standard output)")(
        "file", po::value(&file)->required(), "the envelope, - for standard input");
    po::positional_options_description pos;
    pos.add("file", 1);
    if (auto rc = parse_command_options("decrypt", args, o, &pos)) return *rc;
    auto text = read_input(file);
    auto key = security::load_private_key(key_file);
    if (!text) return report("decrypt", file, {make_problem("io", "cannot read it")});
    if (!key) return report("decrypt", key_file, key.problems());
    auto out = is_xml(*text) ? security::decrypt_xml_payload(*text, key->get())
                             : security::decrypt_json_payload(*text, key->get());
    if (!out) return report("decrypt", file, out.problems());
    return emit(*out, output);
}

const bool registered =
    register_command({"sign", "sign an envelope (XML-DSig / JWS) with an endpoint's key", run_sign}) &&
    register_command({"verify", "check envelopes' signatures and signers as a node does", run_verify}) &&
    register_command({"encrypt", "encrypt an envelope's payload for its recipient (XML-Enc / JWE)", run_encrypt}) &&
    register_command({"decrypt", "decrypt an envelope's payload with the recipient's key", run_decrypt});

}  // namespace

}  // namespace govbus::cli

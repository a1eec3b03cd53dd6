// The primitives against the standards' vectors and against the openssl CLI,
// an implementation govbus does not share code with.
#define BOOST_TEST_MODULE crypto
#include <boost/test/unit_test.hpp>

#include "security/crypto.hpp"
#include "security/openssl_handles.hpp"
#include "tools/common/child_process.hpp"
#include "tests/support/temp_dir.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>

using namespace govbus::security;

namespace {

using TempDir = govbus::test::TempDir;

int run(const std::string& command) { return std::system((command + " >/dev/null 2>&1").c_str()); }

void write(const std::string& file, std::string_view bytes) { std::ofstream(file, std::ios::binary) << bytes; }
std::string slurp(const std::string& file) {
    std::ifstream in(file, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// A key made by the openssl CLI: "EC:prime256v1", "EC:SM2" or "RSA".
PKey cli_key(const TempDir& dir, const std::string& kind, const std::string& name) {
    std::string cmd = kind == "RSA" ? "openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out " + dir / name
                                    : "openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:" + kind.substr(3) +
                                          " -out " + dir / name;
    BOOST_REQUIRE_EQUAL(run(cmd), 0);
    BOOST_REQUIRE_EQUAL(run("openssl pkey -in " + dir / name + " -pubout -out " + dir / (name + ".pub")), 0);
    auto key = load_private_key(dir / name);
    BOOST_REQUIRE(key.ok());
    return std::move(key.value());
}

}  // namespace

BOOST_AUTO_TEST_CASE(sm3_matches_the_gb_t_32905_vectors) {
    BOOST_TEST(to_hex(sm3("abc")) == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0");
    std::string sixty_four;
    for (int i = 0; i < 16; ++i) sixty_four += "abcd";
    BOOST_TEST(to_hex(sm3(sixty_four)) == "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732");
    BOOST_TEST(to_hex(sha256("abc")) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

BOOST_AUTO_TEST_CASE(sm4_matches_both_gb_t_32907_examples) {
    const Bytes key = from_hex("0123456789abcdeffedcba9876543210");
    CipherCtx ctx(EVP_CIPHER_CTX_new());
    BOOST_REQUIRE(EVP_EncryptInit_ex(ctx.get(), EVP_sm4_ecb(), nullptr,
                                     reinterpret_cast<const unsigned char*>(key.data()), nullptr) == 1);
    EVP_CIPHER_CTX_set_padding(ctx.get(), 0);
    unsigned char block[16];
    std::copy(key.begin(), key.end(), block);  // the plaintext equals the key in both examples
    auto encrypt_once = [&] {
        int n = 0;
        BOOST_REQUIRE(EVP_EncryptUpdate(ctx.get(), block, &n, block, 16) == 1 && n == 16);
    };
    encrypt_once();
    BOOST_TEST(to_hex(std::string_view(reinterpret_cast<char*>(block), 16)) == "681edf34d206965e86b3e94f536e4246");
    // Example 2: the same key applied 1,000,000 times.
    for (int i = 1; i < 1000000; ++i) {
        int n = 0;
        EVP_EncryptUpdate(ctx.get(), block, &n, block, 16);
    }
    BOOST_TEST(to_hex(std::string_view(reinterpret_cast<char*>(block), 16)) == "595298c7c6fd271f0402f804c33d3f66");
}

BOOST_AUTO_TEST_CASE(raw_and_der_signature_values_convert_both_ways) {
    // r has a high bit set (DER adds a 0x00 octet) and s has leading zero octets (raw keeps them).
    const Bytes raw = from_hex("80" + std::string(62, '1') + "0000" + std::string(60, '2'));
    const Bytes der = ecdsa_raw_to_der(raw);
    BOOST_TEST(to_hex(der) == "3043" "022100" "80" + std::string(62, '1') + "021e" + std::string(60, '2'));
    BOOST_TEST(ecdsa_der_to_raw(der) == raw);
    BOOST_TEST(ecdsa_der_to_raw("not DER").empty());
    BOOST_TEST(ecdsa_raw_to_der(Bytes(63, '\x01')).empty());  // r and s need equal halves
}

BOOST_AUTO_TEST_CASE(signatures_verify_in_every_algorithm_and_fail_when_the_data_changes) {
    TempDir dir;
    struct Case { const char* kind; SignatureAlgorithm alg; };
    for (auto c : {Case{"EC:prime256v1", SignatureAlgorithm::ecdsa_p256_sha256}, Case{"EC:SM2", SignatureAlgorithm::sm2_sm3},
                   Case{"RSA", SignatureAlgorithm::rsa_sha256}, Case{"RSA", SignatureAlgorithm::rsa_pss_sha256}}) {
        BOOST_TEST_CONTEXT(c.kind) {
            PKey key = cli_key(dir, c.kind, "k.pem");
            BOOST_TEST((natural_algorithm(key.get()).value() == c.alg || c.alg == SignatureAlgorithm::rsa_pss_sha256));
            auto sig = sign(key.get(), c.alg, "case 510100202405200000420");
            BOOST_REQUIRE(sig.ok());
            if (c.alg == SignatureAlgorithm::ecdsa_p256_sha256 || c.alg == SignatureAlgorithm::sm2_sm3)
                BOOST_TEST(sig->size() == 64u);
            BOOST_TEST(verify(key.get(), c.alg, "case 510100202405200000420", *sig).ok());
            auto bad = verify(key.get(), c.alg, "case 510100202405200000421", *sig);
            BOOST_REQUIRE(!bad.ok());
            BOOST_TEST(bad.problem().code == "security.bad_signature");
        }
    }
}

BOOST_AUTO_TEST_CASE(the_openssl_cli_verifies_a_govbus_sm2_signature_and_govbus_verifies_one_it_made) {
    TempDir dir;
    PKey key = cli_key(dir, "EC:SM2", "sm2.pem");
    const std::string data = "申请人 11010519491231002X";
    write(dir / "data", data);
    auto sig = sign(key.get(), SignatureAlgorithm::sm2_sm3, data);
    BOOST_REQUIRE(sig.ok());
    write(dir / "govbus.sig", ecdsa_raw_to_der(*sig));
    const std::string opts = " -rawin -in " + dir / "data" + " -digest sm3 -pkeyopt distid:1234567812345678";
    BOOST_TEST(run("openssl pkeyutl -verify -pubin -inkey " + dir / "sm2.pem.pub" + opts + " -sigfile " +
                   dir / "govbus.sig") == 0);
    // A signature under another user id must not verify: the id is really in Z_A.
    BOOST_TEST(run("openssl pkeyutl -verify -pubin -inkey " + dir / "sm2.pem.pub" + " -rawin -in " + dir / "data" +
                   " -digest sm3 -pkeyopt distid:1234567812345679 -sigfile " + dir / "govbus.sig") != 0);

    BOOST_REQUIRE(run("openssl pkeyutl -sign -inkey " + dir / "sm2.pem" + opts + " -out " + dir / "cli.sig") == 0);
    const Bytes cli_raw = ecdsa_der_to_raw(slurp(dir / "cli.sig"));
    BOOST_TEST(verify(key.get(), SignatureAlgorithm::sm2_sm3, data, cli_raw).ok());
}

BOOST_AUTO_TEST_CASE(content_keys_round_trip_under_rsa_oaep_and_sm2) {
    TempDir dir;
    const Bytes cek = random_bytes(32);
    PKey rsa = cli_key(dir, "RSA", "rsa.pem");
    for (bool sha1 : {false, true}) {
        auto wrapped = rsa_oaep_encrypt(rsa.get(), cek, sha1);
        BOOST_REQUIRE(wrapped.ok());
        BOOST_TEST(*rsa_oaep_decrypt(rsa.get(), *wrapped, sha1) == cek);
    }
    PKey sm2 = cli_key(dir, "EC:SM2", "sm2.pem");
    auto wrapped = sm2_encrypt(sm2.get(), cek);
    BOOST_REQUIRE(wrapped.ok());
    BOOST_TEST(*sm2_decrypt(sm2.get(), *wrapped) == cek);
    // The openssl CLI decrypts what govbus encrypted for an SM2 key.
    write(dir / "cek.sm2", *wrapped);
    BOOST_REQUIRE(run("openssl pkeyutl -decrypt -inkey " + dir / "sm2.pem" + " -in " + dir / "cek.sm2" + " -out " +
                      dir / "cek") == 0);
    BOOST_TEST(slurp(dir / "cek") == cek);
}

BOOST_AUTO_TEST_CASE(payload_ciphers_round_trip_and_refuse_any_altered_bit) {
    const Bytes key = random_bytes(32);
    const std::string plain = "{\"applicant\":{\"idNumber\":\"11010519491231002X\"}}";
    auto gcm = aes256_gcm_seal(key, plain, "header");
    BOOST_REQUIRE(gcm.ok());
    BOOST_TEST(*aes256_gcm_open(key, *gcm, "header") == plain);
    auto sm4 = sm4_cbc_hmac_sm3_seal(key, plain, "header");
    BOOST_REQUIRE(sm4.ok());
    BOOST_TEST(sm4->ciphertext.size() % 16 == 0u);
    BOOST_TEST(*sm4_cbc_hmac_sm3_open(key, *sm4, "header") == plain);

    auto flip = [](Bytes b) { b[b.size() / 2] ^= 1; return b; };
    for (const GcmSealed& altered : {GcmSealed{flip(gcm->iv), gcm->ciphertext, gcm->tag},
                                     GcmSealed{gcm->iv, flip(gcm->ciphertext), gcm->tag},
                                     GcmSealed{gcm->iv, gcm->ciphertext, flip(gcm->tag)}}) {
        auto r = aes256_gcm_open(key, altered, "header");
        BOOST_REQUIRE(!r.ok());
        BOOST_TEST(r.problem().code == "security.decrypt_failed");
    }
    BOOST_TEST(aes256_gcm_open(key, *gcm, "headex").problem().code == "security.decrypt_failed");
    BOOST_TEST(aes256_gcm_open(key, *gcm).problem().code == "security.decrypt_failed");
    for (const Sm4Sealed& altered : {Sm4Sealed{flip(sm4->iv), sm4->ciphertext, sm4->mac},
                                     Sm4Sealed{sm4->iv, flip(sm4->ciphertext), sm4->mac},
                                     Sm4Sealed{sm4->iv, sm4->ciphertext, flip(sm4->mac)}}) {
        auto r = sm4_cbc_hmac_sm3_open(key, altered, "header");
        BOOST_REQUIRE(!r.ok());
        BOOST_TEST(r.problem().code == "security.decrypt_failed");
    }
    BOOST_TEST(sm4_cbc_hmac_sm3_open(key, *sm4, "headex").problem().code == "security.decrypt_failed");
    BOOST_TEST(sm4_cbc_hmac_sm3_open(key, *sm4).problem().code == "security.decrypt_failed");
    BOOST_TEST(sm4_cbc_hmac_sm3_open(random_bytes(32), *sm4, "header").problem().code == "security.decrypt_failed");
    // A MAC key change alone (the SM4 half unchanged) is caught too: the key halves have separate jobs.
    Bytes other_mac_key = key;
    other_mac_key[20] ^= 1;
    BOOST_TEST(sm4_cbc_hmac_sm3_open(other_mac_key, *sm4, "header").problem().code == "security.decrypt_failed");
}

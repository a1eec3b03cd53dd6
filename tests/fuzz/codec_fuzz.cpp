// Fuzz target for the envelope codecs: any bytes go through Codec::decode
// (caps, parse, schema, data rules) without crashing; bytes that decode get
// a hop through with_hop (the text splice of bus/codec/hop_splice.cpp, or
// the parsed document), and the result must decode to the same message plus
// exactly that hop. A difference aborts, which a fuzzer reports as a crash.
#include "bus/codec/codec.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace {

const govbus::codec::Codec& codec() {
    static const govbus::codec::Codec c;
    return c;
}

[[noreturn]] void fail(const char* what, const std::string& bytes) {
    std::fprintf(stderr, "codec_fuzz: %s\n--- input (%zu bytes) ---\n%s\n", what, bytes.size(), bytes.c_str());
    std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string bytes(reinterpret_cast<const char*>(data), size);
    auto decoded = codec().decode(bytes);
    if (!decoded) return 0;
    const govbus::Hop hop{"city-510100", "2024-05-20T09:30:02.000+08:00", {}};
    if (decoded->hops.size() >= 32) return 0;  // envelope.xsd: at most 32 hops; one more is refused by design
    std::string with;
    try {
        with = codec().with_hop(bytes, hop);
    } catch (const std::exception& e) {
        fail((std::string("with_hop threw on a message that decodes: ") + e.what()).c_str(), bytes);
    }
    auto again = codec().decode(with);
    if (!again) fail(("with its hop the message is refused: " + again.problem().to_string()).c_str(), with);
    govbus::Envelope expected = *decoded;
    expected.hops.push_back(hop);
    if (!(*again == expected)) fail("with its hop the message differs from the original plus the hop", with);
    return 0;
}

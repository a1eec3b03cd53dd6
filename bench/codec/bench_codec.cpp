// Envelope codec benchmark: decode (parse + schema validation + data rules)
// against a bare parse of the same bytes (no schema, no rules), XML and JSON,
// about 1 KiB and 64 KiB. Prints a Markdown table for bench/RESULTS.md.
//   bench_codec [--seconds S] [--only json-1k|json-64k|xml-1k|xml-64k|xml-1k-signed]
// --only runs one row, for profiling one decode path with perf.
#include "bus/codec/codec.hpp"
#include "bus/codec/json_reader.hpp"
#include "bus/codec/xml_reader.hpp"
#include "bus/codec/xml_tree.hpp"
#include "tools/common/sample_messages.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>

using govbus::codec::Codec;
using govbus::codec::Encoding;
using Clock = std::chrono::steady_clock;

namespace {

struct Rate {
    double per_second = 0;
    double mb_per_second = 0;
};

// Runs `once` repeatedly for about `seconds`; aborts if it ever fails, so a
// figure is never reported for work that did not happen.
Rate measure(double seconds, std::size_t bytes, const std::function<bool()>& once) {
    for (int i = 0; i < 20; ++i)
        if (!once()) std::abort();  // warm-up
    long n = 0;
    const auto start = Clock::now();
    const auto until = start + std::chrono::duration<double>(seconds);
    while (Clock::now() < until) {
        for (int i = 0; i < 10; ++i, ++n)
            if (!once()) {
                std::fprintf(stderr, "bench_codec: a decode failed during the run\n");
                std::abort();
            }
    }
    const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    return {n / elapsed, n * static_cast<double>(bytes) / elapsed / 1e6};
}

}  // namespace

int main(int argc, char** argv) {
    double seconds = 3;
    std::string only;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--seconds" && i + 1 < argc) {
            seconds = std::atof(argv[++i]);
        } else if (a == "--only" && i + 1 < argc) {
            only = argv[++i];
        } else {
            std::fprintf(stderr, "usage: bench_codec [--seconds S] [--only json-1k|json-64k|xml-1k|xml-64k|xml-1k-signed]\n");
            return 2;
        }
    }
    const Codec codec;
    const govbus::codec::XmlLimits xml_limits;
    govbus::codec::TreeReaderShelf plain_xml(xml_limits, nullptr);  // the decoder's reader, without schemas
    const govbus::codec::JsonLimits json_limits;

    std::printf("| encoding | message | decode msg/s | decode MB/s | bare parse msg/s | bare parse MB/s | decode/bare |\n");
    std::printf("|---|---|---|---|---|---|---|\n");
    for (std::size_t padding : {std::size_t(0), std::size_t(63 * 1024)}) {
        govbus::tools::CaseRequest request;
        request.form_padding = padding;
        const auto envelope = govbus::tools::make_case_apply(request);
        for (Encoding enc : {Encoding::json, Encoding::xml}) {
            const std::string name = std::string(enc == Encoding::xml ? "xml" : "json") + (padding ? "-64k" : "-1k");
            if (!only.empty() && only != name) continue;
            const std::string bytes = codec.encode(envelope, enc);
            if (!codec.decode(bytes).ok()) {
                std::fprintf(stderr, "bench_codec: the sample message does not decode\n");
                return 1;
            }
            Rate full = measure(seconds, bytes.size(), [&] { return codec.decode(bytes).ok(); });
            Rate bare = enc == Encoding::xml
                            ? measure(seconds, bytes.size(),
                                      [&] {
                                          bool needs_dom = false;
                                          return !govbus::codec::read_xml_tree(bytes, plain_xml, needs_dom).fatal;
                                      })
                            : measure(seconds, bytes.size(),
                                      [&] { return govbus::codec::read_json(bytes, json_limits).ok(); });
            std::printf("| %s | %zu B | %.0f | %.1f | %.0f | %.1f | %.2f |\n", enc == Encoding::xml ? "XML" : "JSON",
                        bytes.size(), full.per_second, full.mb_per_second, bare.per_second, bare.mb_per_second,
                        full.per_second / bare.per_second);
            std::fflush(stdout);
        }
    }
    // A signed XML message is read through the DOM, which its signature's
    // elements are kept from (bus/codec/xml_tree.hpp); the signature here is
    // only its shape: decoding does not verify it, the node's verifier does.
    if (only.empty() || only == "xml-1k-signed") {
        auto envelope = govbus::tools::make_case_apply({});
        envelope.security.suite = "intl";
        envelope.security.signature =
            "<ds:Signature xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"><ds:SignedInfo/>"
            "<ds:SignatureValue>AAAA</ds:SignatureValue></ds:Signature>";
        const std::string bytes = codec.encode(envelope, Encoding::xml);
        if (!codec.decode(bytes).ok()) {
            std::fprintf(stderr, "bench_codec: the signed sample message does not decode\n");
            return 1;
        }
        Rate full = measure(seconds, bytes.size(), [&] { return codec.decode(bytes).ok(); });
        Rate bare = measure(seconds, bytes.size(),
                            [&] { return !govbus::codec::read_xml(bytes, xml_limits, nullptr).fatal; });
        std::printf("| XML, signed (DOM) | %zu B | %.0f | %.1f | %.0f | %.1f | %.2f |\n", bytes.size(), full.per_second,
                    full.mb_per_second, bare.per_second, bare.mb_per_second, full.per_second / bare.per_second);
    }
    return 0;
}

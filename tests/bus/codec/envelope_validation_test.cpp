// The envelope schema's validation leaves the payload to the payload's own
// schema only while the envelope schema asks no more of it than being an
// object (SchemaSet::envelope_payload_opaque).
#define BOOST_TEST_MODULE envelope_validation
#include <boost/test/unit_test.hpp>

#include "bus/codec/schema_set.hpp"
#include "tests/bus/codec/codec_fixture.hpp"

#include <boost/json.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>

using namespace govbus;
using namespace govbus::test;
namespace fs = std::filesystem;

namespace {

const fs::path kValid = fs::path(GOVBUS_SOURCE_DIR) / "tests" / "data" / "valid" / "case-apply-natural.json";

// A copy of the shipped schemas whose envelope asks of the payload what `payload_schema` says.
struct SchemaCopy {
    fs::path dir = fs::temp_directory_path() / ("govbus-schemas-" + std::to_string(::getpid()));
    explicit SchemaCopy(const std::string& payload_schema) {
        fs::remove_all(dir);
        fs::copy(codec::default_schema_dir(), dir, fs::copy_options::recursive);
        const fs::path envelope = dir / "envelope" / "1.0" / "envelope.schema.json";
        std::string text = slurp(envelope);
        const std::string shipped = R"("type": "object"
    })";
        const auto at = text.find(shipped, text.find("\"payload\": {"));
        BOOST_REQUIRE(at != std::string::npos);
        text.replace(at, shipped.size(), payload_schema + "\n    }");
        std::ofstream(envelope, std::ios::binary | std::ios::trunc) << text;
    }
    ~SchemaCopy() { fs::remove_all(dir); }
};

bool refused_at(const Result<Envelope>& r, const std::string& field) {
    for (const auto& p : r.problems())
        if (!p.warning && p.code == "schema.invalid" && p.field == field) return true;
    return false;
}

}  // namespace

BOOST_AUTO_TEST_CASE(the_shipped_envelope_leaves_the_payload_to_its_own_schema) {
    BOOST_TEST(codec::SchemaSet(codec::default_schema_dir()).envelope_payload_opaque());
}

BOOST_AUTO_TEST_CASE(an_envelope_that_asks_more_of_the_payload_is_checked_for_it) {
    // An empty object in the payload's place would pass this one.
    SchemaCopy copy(R"("type": "object", "maxProperties": 0)");
    BOOST_TEST(!codec::SchemaSet(copy.dir.string()).envelope_payload_opaque());
    const codec::Codec strict(copy.dir.string());
    auto got = strict.decode(slurp(kValid));
    BOOST_TEST(!got.ok());
    BOOST_TEST(refused_at(got, "/payload"), describe(got.problems()));
    BOOST_TEST(shared_codec().decode(slurp(kValid)).ok());
}

BOOST_AUTO_TEST_CASE(a_payload_that_is_no_object_is_refused_by_the_envelope) {
    auto message = boost::json::parse(slurp(kValid));
    message.as_object()["payload"] = boost::json::array{1};
    auto got = shared_codec().decode(boost::json::serialize(message));
    BOOST_TEST(!got.ok());
    BOOST_TEST(refused_at(got, "/payload"), describe(got.problems()));
}

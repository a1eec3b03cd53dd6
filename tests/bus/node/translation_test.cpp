#define BOOST_TEST_MODULE translation
#include <boost/test/unit_test.hpp>

#include "bus/codec/codec.hpp"
#include "bus/node/config_reader.hpp"
#include "bus/node/translation.hpp"
#include "tools/common/sample_messages.hpp"

#include <boost/json.hpp>

#include <fstream>

using namespace govbus;
namespace json = boost::json;

namespace {

const std::string kMapping = std::string(GOVBUS_SOURCE_DIR) + "/etc/translations/cd-market.yaml";

const codec::Codec& the_codec() {
    static const codec::Codec c;
    return c;
}

Translation market() {
    auto t = Translation::load(kMapping);
    BOOST_REQUIRE_MESSAGE(t.ok(), (t.ok() ? std::string() : t.problem().to_string()));
    return std::move(t.value());
}

std::string write(const std::string& name, const std::string& text) {
    const std::string file = std::string(GOVBUS_BINARY_DIR) + "/" + name;
    std::ofstream(file) << text;
    return file;
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_standard_case_apply_reaches_the_department_in_its_own_field_names) {
    tools::CaseRequest r;
    const Envelope apply = tools::make_case_apply(r);
    auto out = market().outbound(the_codec().encode(apply, codec::Encoding::xml), the_codec());
    BOOST_REQUIRE_MESSAGE(out.ok(), (out.ok() ? std::string() : out.problem().to_string()));
    const json::value got = json::parse(*out);
    const auto& payload = got.at("payload");
    const auto& std_payload = apply.payload.as_object();
    BOOST_TEST(payload.at("sqdw").at("tyshxydm") == std_payload.at("applicant").at("legalPerson").at("creditCode"));
    BOOST_TEST(payload.at("sxbm") == std_payload.at("item").at("code"));
    BOOST_TEST(payload.at("bbh") == json::value("1"));
    BOOST_TEST(!payload.as_object().contains("applicant"));
    // The header is the standard one, so the department still sees case number and source.
    BOOST_TEST(got.at("header").at("caseNumber") == json::value(apply.case_number));
    BOOST_TEST(!got.as_object().contains("security"));
}

BOOST_AUTO_TEST_CASE(a_departments_own_case_result_becomes_a_valid_standard_one) {
    tools::CaseRequest r;
    Envelope result = tools::make_case_result(tools::make_case_apply(r), "cd.market");
    result.payload = json::object{{"bjjg", "1"}, {"bjsj", result.created}, {"zzlb", json::array{}}, {"bz", "准予登记"}};
    auto in = market().inbound(the_codec().encode_json(result));
    BOOST_REQUIRE_MESSAGE(in.ok(), (in.ok() ? std::string() : in.problem().to_string()));
    auto decoded = the_codec().decode(*in);
    BOOST_REQUIRE_MESSAGE(decoded.ok(), (decoded.ok() ? std::string() : decoded.problem().to_string()));
    BOOST_TEST(decoded->payload.at("outcome") == json::value("approved"));
    BOOST_TEST(decoded->payload.at("note") == json::value("准予登记"));
}

BOOST_AUTO_TEST_CASE(an_untranslatable_value_or_missing_required_field_is_refused_naming_the_field_and_line) {
    tools::CaseRequest r;
    Envelope result = tools::make_case_result(tools::make_case_apply(r), "cd.market");
    result.payload = json::object{{"bjjg", "9"}, {"bjsj", result.created}};
    auto bad_value = market().inbound(the_codec().encode_json(result));
    BOOST_REQUIRE(!bad_value.ok());
    BOOST_TEST(bad_value.problem().code == "translate.failed");
    BOOST_TEST(bad_value.problem().field == "/bjjg");
    BOOST_TEST(bad_value.problem().message.find("cd-market.yaml:") != std::string::npos);

    result.payload = json::object{{"bjjg", "1"}};
    auto missing = market().inbound(the_codec().encode_json(result));
    BOOST_REQUIRE(!missing.ok());
    BOOST_TEST(missing.problem().field == "/bjsj");
}

BOOST_AUTO_TEST_CASE(types_without_a_mapping_pass_unchanged_or_change_only_their_encoding) {
    tools::CaseRequest r;
    const Envelope accept = tools::make_case_accept(tools::make_case_apply(r), "cd.market");
    const std::string json_bytes = the_codec().encode_json(accept);
    BOOST_TEST(*market().outbound(json_bytes, the_codec()) == json_bytes);

    auto to_xml = Translation::load(write("translation_xml.yaml", "version: 1\nendpoint: cd.civil\nencoding: xml\n"));
    BOOST_REQUIRE(to_xml.ok());
    auto out = to_xml->outbound(json_bytes, the_codec());
    BOOST_REQUIRE(out.ok());
    BOOST_TEST((codec::detect_encoding(*out) == codec::Encoding::xml));
    auto back = the_codec().decode(*out);
    BOOST_REQUIRE(back.ok());
    BOOST_TEST(back->id == accept.id);
}

BOOST_AUTO_TEST_CASE(a_broken_mapping_file_is_refused_with_file_line_and_key) {
    auto t = Translation::load(write("translation_bad.yaml",
                                     "version: 1\nendpoint: x\ntypes:\n  case.apply:\n    outbound:\n"
                                     "      - { from: applicant, to: /a }\n      - { to: /b }\n"));
    BOOST_REQUIRE(!t.ok());
    std::string all;
    for (const auto& p : t.problems()) all += describe_config_problem(p) + "\n";
    BOOST_TEST(all.find(":6:") != std::string::npos, all);
    BOOST_TEST(all.find("JSON Pointer") != std::string::npos, all);
    BOOST_TEST(all.find(":7:") != std::string::npos, all);
}

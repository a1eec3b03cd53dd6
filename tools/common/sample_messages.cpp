#include "tools/common/sample_messages.hpp"

#include "bus/core/clock.hpp"
#include "bus/core/uuid.hpp"
#include "bus/rules/case_number.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <ctime>

namespace govbus::tools {

namespace json = boost::json;

namespace {

// Valid values from the standards' worked examples (DATA-RULES.md).
constexpr const char* kCitizenIds[] = {"11010519491231002X", "34052419800101001X", "510104199001011230"};
constexpr const char* kMarketItem = "511A0138000000-511602000000-000-115113010833722043-1-00";
constexpr const char* kCivilItem = "12441500196720244T3442199806003";
constexpr const char* kLicence = "1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.001.U";
constexpr const char* kSm3OfAbc = "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0";

std::string now_text() { return format_rfc3339(std::chrono::system_clock::now()); }

Envelope header(const std::string& type, const std::string& source) {
    Envelope e;
    e.id = new_uuid();
    e.type = type;
    e.schema_version = "1.0";
    e.source = source;
    e.created = now_text();
    e.content_type = "application/json";
    return e;
}

// An answer to `apply` from its department: same case, back to the applicant's platform.
Envelope answer(const Envelope& apply, const std::string& type, const std::string& from) {
    Envelope e = header(type, from);
    e.correlation_id = apply.id;
    e.case_number = apply.case_number;
    e.region = apply.region;
    e.item_code = apply.item_code;
    e.destination.endpoint = apply.source;
    e.content_type = apply.content_type;
    return e;
}

std::string department_name(const std::string& endpoint) {
    return endpoint.find("market") != std::string::npos ? "市场监督管理局" : "民政局";
}

}  // namespace

Envelope make_case_apply(const CaseRequest& r) {
    Envelope e = header("case.apply", r.source);
    std::time_t t = std::time(nullptr);
    std::tm tm{};
    localtime_r(&t, &tm);
    e.case_number = rules::make_case_number(r.issuing_region, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                                            r.sequence % 1000000);
    e.region = r.region;
    e.destination.region = r.region;
    e.destination.department = r.department;
    bool market = r.department == "market";
    e.item_code = market ? kMarketItem : kCivilItem;
    json::object form{{"事项说明", market ? "个体工商户设立登记" : "婚姻登记"}, {"经营场所", "成都市锦江区红星路二段"}};
    // Form values are capped at 4096 characters by the schema: pad with several.
    for (std::size_t left = r.form_padding, n = 1; left > 0; ++n) {
        std::size_t chunk = std::min<std::size_t>(left, 4000);
        form["附言" + std::to_string(n)] = std::string(chunk, 'x');
        left -= chunk;
    }
    json::object applicant;
    if (market) {
        applicant["legalPerson"] = json::object{{"name", "成都示例商贸有限公司"}, {"creditCode", "91350100M000100Y43"}};
    } else {
        applicant["naturalPerson"] =
            json::object{{"name", "张三"}, {"idNumber", kCitizenIds[r.sequence % 3]}, {"phone", "13812345678"}};
    }
    e.payload = json::object{
        {"applicant", applicant},
        {"item", json::object{{"code", e.item_code}, {"name", market ? "个体工商户设立登记" : "婚姻登记"}}},
        {"formData", form},
        {"materials", json::array{json::object{{"name", "身份证明"},
                                              {"digest", json::object{{"algorithm", "SM3"}, {"value", kSm3OfAbc}}}}}},
        {"submitted", e.created}};
    return e;
}

Envelope make_case_accept(const Envelope& apply, const std::string& from) {
    Envelope e = answer(apply, "case.accept", from);
    e.payload = json::object{{"decision", "accepted"}, {"department", department_name(from)}, {"handler", "李四"},
                             {"time", e.created}, {"promisedDays", 5}, {"feeRequired", false}};
    return e;
}

Envelope make_case_process(const Envelope& apply, const std::string& from) {
    Envelope e = answer(apply, "case.process", from);
    e.payload = json::object{{"step", "审查"}, {"stepNumber", 2}, {"department", department_name(from)},
                             {"handler", "王五"}, {"opinion", "材料齐全，符合法定形式"}, {"time", e.created}};
    return e;
}

Envelope make_case_result(const Envelope& apply, const std::string& from) {
    Envelope e = answer(apply, "case.result", from);
    e.payload = json::object{{"outcome", "approved"},
                             {"time", e.created},
                             {"licences", json::array{json::object{{"id", kLicence}, {"name", "营业执照"}}}},
                             {"documents", json::array{}}};
    return e;
}

Envelope make_data_query(const std::string& source, const std::string& region, const std::string& department,
                         const std::string& key) {
    Envelope e = header("data.query", source);
    e.region = region;
    e.destination.department = department;
    e.payload = json::object{{"mode", "exact"},
                             {"dataset", department},
                             {"keys", json::array{key.c_str()}},
                             {"purpose", "综合窗口核验申请人身份"}};
    return e;
}

Envelope make_data_reply(const Envelope& query, const std::string& from) {
    Envelope e = header("data.reply", from);
    e.correlation_id = query.id;
    e.region = query.region;
    e.destination.endpoint = query.source;
    e.destination.region = query.region;
    e.content_type = query.content_type;
    json::array results;
    const auto& keys = query.payload.as_object().at("keys").as_array();
    for (const auto& k : keys)
        results.push_back(json::object{{"key", k}, {"status", "found"},
                                       {"record", json::object{{"name", "张三"}, {"gender", "男"}}}});
    e.payload = json::object{{"mode", query.payload.as_object().at("mode")}, {"results", results}};
    return e;
}

}  // namespace govbus::tools

#include "bus/codec/codec.hpp"

namespace govbus::tools {
std::string encode(const codec::Codec& codec, const Envelope& envelope) {
    return codec.encode(envelope, envelope.content_type == "application/xml" ? codec::Encoding::xml
                                                                              : codec::Encoding::json);
}
}  // namespace govbus::tools

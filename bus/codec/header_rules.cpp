#include "bus/codec/header_rules.hpp"

#include "bus/rules/data_rules.hpp"

namespace govbus::codec {

namespace {
void check(std::string_view rule, const std::string& value, const char* field, Problems& out) {
    if (value.empty()) return;  // absent optional field; the schema enforces required ones
    for (auto& p : rules::check_rule(rule, value, field)) out.push_back(std::move(p));
}
}  // namespace

Problems check_header_rules(const Envelope& e) {
    Problems out;
    check("case-number", e.case_number, "/header/caseNumber", out);
    check("region-code", e.destination.region, "/header/destination/region", out);
    check("region-code", e.region, "/header/region", out);
    check("item-code", e.item_code, "/header/itemCode", out);
    check("date-time", e.created, "/header/created", out);
    check("date-time", e.expires, "/header/expires", out);
    return out;
}

}  // namespace govbus::codec

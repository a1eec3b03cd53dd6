// Data rules: the standards' checks govbus applies after schema validation.
// Payload schemas name the rule a field follows with the JSON Schema keyword
// "x-govbus-rule" (and the XSD with a matching simpleType); check_rule() is the
// one entry point the codecs call for each such field.
#pragma once

#include "bus/core/problem.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace govbus::rules {

// Rule names, as used by "x-govbus-rule" in schemas/:
//   citizen-id     GB 11643-1999 citizen ID number           reason data.id_number
//   credit-code    GB 32100-2015 unified social credit code  reason data.credit_code (legacy pilot codes: warning)
//   org-code       GB 11714 organisation code                reason data.org_code
//   region-code    GB/T 2260 6-digit (or 12-digit statistical) reason data.region_code
//   item-code      service item code, both accepted formats  reason data.item_code
//   case-number    govbus case number (docs/data-rules.md)   reason data.case_number
//   license-id     GB/T 36904-2018 e-licence identifier      reason data.license_id
//   phone          mainland mobile or fixed-line number      reason data.phone
//   date           YYYY-MM-DD, a real date                   reason data.date
//   date-time      RFC 3339 with offset                      reason data.date_time
//
// Returns the problems found (empty when valid). `field` (XPath or JSON
// Pointer) is copied into each problem. An unknown rule name is itself a
// problem with code "schema.rule_unknown".
Problems check_rule(std::string_view rule, std::string_view value, const std::string& field);

// Individual checks, each returning problems as above.
Problems check_citizen_id(std::string_view id, const std::string& field);
Problems check_credit_code(std::string_view code, const std::string& field);
Problems check_org_code(std::string_view code, const std::string& field);
Problems check_region_code(std::string_view code, const std::string& field);
Problems check_item_code(std::string_view code, const std::string& field);
Problems check_case_number(std::string_view number, const std::string& field);
Problems check_license_id(std::string_view id, const std::string& field);
Problems check_phone(std::string_view phone, const std::string& field);
Problems check_date(std::string_view date, const std::string& field);
Problems check_date_time(std::string_view text, const std::string& field);

// GB/T 2260 look-ups over the shipped province- and city-level table.
bool is_known_region(std::string_view code6);
std::string region_name(std::string_view code6);  // "" when unknown
// True when `region` lies inside `prefix_region` (510104 inside 510100 and 510000).
bool region_contains(std::string_view prefix_region, std::string_view region);

// Personal data masking for logs and CLI output (DESIGN.md "Security"):
// 11010519491231002X -> 110105********002X, 13812345678 -> 138****5678, 张三丰 -> 张**.
std::string mask_citizen_id(std::string_view id);
std::string mask_phone(std::string_view phone);
std::string mask_name(std::string_view name);

}  // namespace govbus::rules

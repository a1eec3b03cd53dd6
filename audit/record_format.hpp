// How the auditor tools print records: an aligned table, JSON lines or CSV
// (RFC 4180). Fields are printed as stored: personal data was masked on write.
#pragma once

#include "audit/record.hpp"

#include <boost/json/object.hpp>

#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace govbus::audit {

enum class RecordFormat { table, json, csv };
std::optional<RecordFormat> parse_record_format(const std::string& text);

boost::json::object record_to_json(const Record& r);
void print_records(std::ostream& out, const std::vector<Record>& records, RecordFormat format);

// An aligned text table: the header row, then the rows.
void print_table(std::ostream& out, const std::vector<std::string>& header,
                 const std::vector<std::vector<std::string>>& rows);
std::string csv_field(const std::string& text);

}  // namespace govbus::audit

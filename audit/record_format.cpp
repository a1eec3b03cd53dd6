#include "audit/record_format.hpp"

#include <boost/json/serialize.hpp>

#include <algorithm>

namespace govbus::audit {

std::optional<RecordFormat> parse_record_format(const std::string& t) {
    if (t == "table") return RecordFormat::table;
    if (t == "json") return RecordFormat::json;
    if (t == "csv") return RecordFormat::csv;
    return std::nullopt;
}

boost::json::object record_to_json(const Record& r) {
    boost::json::object o;
    o["seq"] = r.seq;
    o["time"] = r.time;
    o["node_id"] = r.node_id;
    o["event"] = r.event;
    o["message_id"] = r.message_id;
    o["case_number"] = r.case_number;
    o["type"] = r.type;
    o["source"] = r.source;
    o["destination"] = r.destination;
    o["size"] = r.size;
    o["digest_alg"] = r.digest_alg;
    o["digest"] = r.digest;
    o["reason_code"] = r.reason_code;
    o["reason_text"] = r.reason_text;
    if (r.latency_ms) o["latency_ms"] = *r.latency_ms;
    else o["latency_ms"] = nullptr;
    o["region"] = r.region;
    o["hash"] = r.hash;
    return o;
}

std::string csv_field(const std::string& t) {
    if (t.find_first_of(",\"\r\n") == std::string::npos) return t;
    std::string out = "\"";
    for (char c : t) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}

namespace {
// Display width: UTF-8 continuation bytes take no column; CJK counts as one
// (good enough to keep ASCII columns aligned).
std::size_t width(const std::string& s) {
    return static_cast<std::size_t>(std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}
}  // namespace

void print_table(std::ostream& out, const std::vector<std::string>& header,
                 const std::vector<std::vector<std::string>>& rows) {
    std::vector<std::size_t> w(header.size());
    for (std::size_t i = 0; i < header.size(); ++i) w[i] = width(header[i]);
    for (const auto& r : rows)
        for (std::size_t i = 0; i < r.size() && i < w.size(); ++i) w[i] = std::max(w[i], width(r[i]));
    auto line = [&](const std::vector<std::string>& cells) {
        for (std::size_t i = 0; i < cells.size(); ++i) {
            out << cells[i];
            if (i + 1 < cells.size()) out << std::string(w[i] - width(cells[i]) + 2, ' ');
        }
        out << "\n";
    };
    line(header);
    for (const auto& r : rows) line(r);
}

void print_records(std::ostream& out, const std::vector<Record>& records, RecordFormat format) {
    if (format == RecordFormat::json) {
        for (const auto& r : records) out << boost::json::serialize(record_to_json(r)) << "\n";
        return;
    }
    if (format == RecordFormat::csv) {
        out << "seq,time,node_id,event,message_id,case_number,type,source,destination,size,digest_alg,digest,"
               "reason_code,reason_text,latency_ms,region\n";
        for (const auto& r : records) {
            std::vector<std::string> f = {std::to_string(r.seq), r.time, r.node_id, r.event, r.message_id, r.case_number,
                                          r.type, r.source, r.destination, std::to_string(r.size), r.digest_alg,
                                          r.digest, r.reason_code, r.reason_text,
                                          r.latency_ms ? std::to_string(*r.latency_ms) : "", r.region};
            for (std::size_t i = 0; i < f.size(); ++i) out << (i ? "," : "") << csv_field(f[i]);
            out << "\n";
        }
        return;
    }
    std::vector<std::vector<std::string>> rows;
    for (const auto& r : records)
        rows.push_back({std::to_string(r.seq), r.time, r.event, r.message_id, r.case_number, r.type,
                        r.source + " -> " + r.destination, std::to_string(r.size),
                        r.reason_code.empty() ? "" : r.reason_code + (r.reason_text.empty() ? "" : ": " + r.reason_text)});
    print_table(out, {"SEQ", "TIME", "EVENT", "MESSAGE", "CASE", "TYPE", "FROM -> TO", "BYTES", "REASON"}, rows);
}

}  // namespace govbus::audit

#include "bus/router/payload_predicate.hpp"

#include <boost/json/serialize.hpp>

#include <charconv>

namespace govbus::router {

namespace {
template <class N>
bool parse_whole(const std::string& text, N& out) {
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc() && end == text.data() + text.size();
}

bool parse_number(const std::string& text, double& out) {
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc() && end == text.data() + text.size();
}
}  // namespace

bool TableScalar::matches(const boost::json::value& value) const {
    if (const auto* s = value.if_string()) return *s == text;
    if (quoted) return false;
    switch (value.kind()) {
        case boost::json::kind::bool_:
            return (text == "true" && value.get_bool()) || (text == "false" && !value.get_bool());
        case boost::json::kind::null:
            return text == "null" || text == "~";
        case boost::json::kind::int64: {
            std::int64_t n = 0;
            return parse_whole(text, n) && n == value.get_int64();
        }
        case boost::json::kind::uint64: {
            std::uint64_t n = 0;
            return parse_whole(text, n) && n == value.get_uint64();
        }
        case boost::json::kind::double_: {
            double d = 0;
            return parse_number(text, d) && d == value.get_double();
        }
        default:
            return false;
    }
}

std::string TableScalar::describe() const { return quoted ? "\"" + text + "\"" : text; }

bool PayloadPredicate::holds(const boost::json::value& payload) const {
    const boost::json::value* v = pointer.resolve(payload);
    switch (op) {
        case Op::exists:
            return (v != nullptr) == present;
        case Op::equals:
        case Op::in:
            if (!v) return false;
            for (const auto& s : values)
                if (s.matches(*v)) return true;
            return false;
        case Op::prefix: {
            if (!v || !v->is_string()) return false;
            const auto& s = v->get_string();
            return s.size() >= prefix.size() && std::string_view(s.data(), prefix.size()) == prefix;
        }
    }
    return false;
}

std::string PayloadPredicate::expected() const {
    std::string where = pointer.text().empty() ? "the payload" : pointer.text();
    switch (op) {
        case Op::exists: return where + (present ? " present" : " absent");
        case Op::equals: return where + " equals " + values.front().describe();
        case Op::in: {
            std::string s = where + " in [";
            for (std::size_t i = 0; i < values.size(); ++i) s += (i ? ", " : "") + values[i].describe();
            return s + "]";
        }
        case Op::prefix: return where + " starts with \"" + prefix + "\"";
    }
    return where;
}

std::string PayloadPredicate::actual(const boost::json::value& payload) const {
    const boost::json::value* v = pointer.resolve(payload);
    if (!v) return "absent";
    std::string s = boost::json::serialize(*v);
    if (s.size() > 80) s = s.substr(0, 77) + "...";
    return s;
}

}  // namespace govbus::router

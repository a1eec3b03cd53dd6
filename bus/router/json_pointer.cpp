#include "bus/router/json_pointer.hpp"

namespace govbus::router {

std::optional<JsonPointer> JsonPointer::compile(const std::string& text, std::string& error) {
    JsonPointer p;
    p.text_ = text;
    if (text.empty()) return p;  // the whole document
    if (text.front() != '/') {
        error = "a JSON Pointer is empty or starts with '/' (RFC 6901 §3), e.g. /applicant/id_type";
        return std::nullopt;
    }
    std::size_t start = 1;
    while (true) {
        auto end = text.find('/', start);
        std::string raw = text.substr(start, end == std::string::npos ? std::string::npos : end - start);
        Token t;
        // RFC 6901 §4: "~1" -> "/" then "~0" -> "~"; any other "~" is invalid.
        for (std::size_t i = 0; i < raw.size(); ++i) {
            if (raw[i] != '~') {
                t.key += raw[i];
                continue;
            }
            if (i + 1 < raw.size() && (raw[i + 1] == '0' || raw[i + 1] == '1')) {
                t.key += raw[i + 1] == '0' ? '~' : '/';
                ++i;
            } else {
                error = "'~' in a JSON Pointer must be followed by 0 or 1 (RFC 6901 §3)";
                return std::nullopt;
            }
        }
        // RFC 6901 §4: an array index is "0" or digits without a leading zero.
        bool digits = !t.key.empty() && t.key.size() < 19 && (t.key == "0" || t.key[0] != '0');
        for (char c : t.key) digits = digits && c >= '0' && c <= '9';
        if (digits) t.index = std::stoull(t.key);
        p.tokens_.push_back(std::move(t));
        if (end == std::string::npos) break;
        start = end + 1;
    }
    return p;
}

const boost::json::value* JsonPointer::resolve(const boost::json::value& root) const {
    const boost::json::value* v = &root;
    for (const auto& t : tokens_) {
        if (const auto* object = v->if_object()) {
            auto it = object->find(t.key);
            if (it == object->end()) return nullptr;
            v = &it->value();
        } else if (const auto* array = v->if_array()) {
            if (!t.index || *t.index >= array->size()) return nullptr;
            v = &(*array)[*t.index];
        } else {
            return nullptr;
        }
    }
    return v;
}

}  // namespace govbus::router

#include "bus/router/text_pattern.hpp"

namespace govbus::router {

namespace {
// Wildcard match with single-star backtracking: linear in practice, and at
// worst |pattern| x |value|, which is small for header fields.
bool glob_matches(std::string_view pattern, std::string_view value) {
    std::size_t p = 0, v = 0;
    std::size_t star = std::string_view::npos, resume = 0;
    while (v < value.size()) {
        if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == value[v])) {
            ++p;
            ++v;
        } else if (p < pattern.size() && pattern[p] == '*') {
            star = p++;
            resume = v;
        } else if (star != std::string_view::npos) {
            p = star + 1;
            v = ++resume;
        } else {
            return false;
        }
    }
    while (p < pattern.size() && pattern[p] == '*') ++p;
    return p == pattern.size();
}
}  // namespace

TextPattern TextPattern::compile(std::string text) {
    TextPattern t;
    auto wildcard = text.find_first_of("*?");
    if (wildcard == std::string::npos) {
        t.kind_ = Kind::exact;
        t.fixed_ = text;
    } else if (wildcard == text.size() - 1 && text.back() == '*') {
        t.kind_ = Kind::prefix;
        t.fixed_ = text.substr(0, text.size() - 1);
    } else {
        t.kind_ = Kind::glob;
    }
    t.text_ = std::move(text);
    return t;
}

bool TextPattern::matches(std::string_view value) const {
    switch (kind_) {
        case Kind::exact: return value == fixed_;
        case Kind::prefix: return value.substr(0, fixed_.size()) == fixed_;
        case Kind::glob: return glob_matches(text_, value);
    }
    return false;
}

bool PatternList::matches(std::string_view value) const {
    for (const auto& p : patterns)
        if (p.matches(value)) return true;
    return false;
}

std::string PatternList::describe() const {
    if (patterns.size() == 1) return patterns.front().text();
    std::string s = "one of [";
    for (std::size_t i = 0; i < patterns.size(); ++i) s += (i ? ", " : "") + patterns[i].text();
    return s + "]";
}

}  // namespace govbus::router

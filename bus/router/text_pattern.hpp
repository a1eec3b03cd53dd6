// One text condition of a route rule, compiled once when the table loads:
// an exact value, a prefix ("511A0138*") or a glob ("case.*", "cd.?ivil").
// Matching runs per message, so it never allocates.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace govbus::router {

class TextPattern {
public:
    enum class Kind { exact, prefix, glob };

    // `*` matches any run of characters (also none), `?` exactly one; every
    // other character stands for itself. A pattern whose only wildcard is one
    // trailing `*` compiles to a prefix test.
    static TextPattern compile(std::string text);

    bool matches(std::string_view value) const;
    Kind kind() const { return kind_; }
    const std::string& text() const { return text_; }  // as written in the table

private:
    Kind kind_ = Kind::exact;
    std::string text_;
    std::string fixed_;  // exact value, or the prefix without its `*`
};

// A condition given as one pattern or a list of them: any may match.
struct PatternList {
    std::vector<TextPattern> patterns;

    bool matches(std::string_view value) const;
    std::string describe() const;  // "case.apply" or "one of [a, b*]"
};

}  // namespace govbus::router

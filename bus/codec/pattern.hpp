// The "pattern" keyword of the message schemas, checked by the codec itself.
//
// JSON Schema patterns are ECMA-262 regular expressions that search the value
// (anchor them with ^...$ to match all of it). The schemas use a small part
// of that language, and so does this matcher: literals and escapes, ".",
// character classes with ranges and negation, \d \w \s and their negations,
// groups ((...) and (?:...)), alternation, the quantifiers ? * + {n} {n,}
// {n,m} (lazy forms too: only whether the value matches counts), and the
// anchors ^ and $. Anything else (look-around, back-references, \b, flags) is
// refused when the schema is loaded, with the position and the construct.
//
// The pattern is compiled to a program (Thompson's construction) and that to a
// deterministic automaton over classes of characters (subset construction),
// so checking a value is one table step per character. Should a pattern need
// more than kMaxStates automaton states, the program is simulated instead
// (breadth-first, time linear in the value's length times the program's
// size). Neither backtracks. Characters are Unicode code points of the UTF-8
// value.
#pragma once

#include "bus/core/problem.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace govbus::codec {

class Pattern {
public:
    // Problem code "schema.pattern", the field is the pattern's source.
    static Result<Pattern> compile(std::string_view source);

    // ECMA-262 RegExp.prototype.test: does the pattern match anywhere in `text`?
    bool search(std::string_view text) const;

    const std::string& source() const { return source_; }
    std::size_t size() const { return program_.size(); }

    struct Range {
        char32_t low, high;
    };
    struct CharClass {
        std::uint64_t ascii[2] = {0, 0};  // bit c: code point c (< 128) is in the class
        std::vector<Range> wide;          // code points from 128 on
        bool negated = false;
        bool contains(char32_t c) const;
    };
    struct Instruction {
        enum class Op : std::uint8_t { literal, char_class, split, jump, line_start, line_end, match };
        Op op;
        std::uint32_t a = 0;  // literal: the code point; char_class: its index; split, jump: target
        std::uint32_t b = 0;  // split: the second target
    };

    static constexpr std::size_t kMaxStates = 4096;
    bool deterministic() const { return !accept_now_.empty(); }

private:
    bool simulate(std::string_view text) const;
    void build_automaton();
    std::uint16_t symbol_of(char32_t c) const;

    std::string source_;
    std::vector<Instruction> program_;
    std::vector<CharClass> classes_;
    bool anchored_ = false;  // begins with ^: only a thread started at 0 can match

    // The automaton. Symbols: code points split where any class of the
    // pattern starts or ends; boundaries_[k] is the first code point of
    // symbol k + 1. State 0 is dead (anchored patterns only), 1 the start.
    std::uint16_t ascii_symbol_[128] = {};
    std::vector<char32_t> boundaries_;
    std::size_t symbols_ = 0;
    std::vector<std::uint16_t> next_;     // next_[state * symbols_ + symbol]
    std::vector<std::uint8_t> accept_now_;     // a match ends here, whatever follows
    std::vector<std::uint8_t> accept_at_end_;  // a match ends here if the value ends here
    bool empty_matches_ = false;
    friend class PatternCompiler;
};

// Every pattern of a set of schemas, compiled once; looked up by source text.
class PatternSet {
public:
    // Compiles `source` unless it is already in the set.
    Status add(std::string_view source);
    // Null when `source` was never added.
    const Pattern* find(std::string_view source) const;
    std::size_t size() const { return patterns_.size(); }
    // The sources added, in order of their text.
    std::vector<std::string> sources() const;

private:
    std::map<std::string, Pattern, std::less<>> patterns_;
};

}  // namespace govbus::codec

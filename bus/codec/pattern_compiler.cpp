// The pattern language's parser and Thompson's construction: pattern text
// to syntax tree to program (pattern.hpp). The automaton and matching are in
// pattern.cpp.
#include "bus/codec/pattern.hpp"

#include "bus/codec/utf8.hpp"

#include <algorithm>
#include <memory>

namespace govbus::codec {

namespace {

// Bounds that keep a hostile or mistaken schema from making a huge program.
constexpr std::uint32_t kMaxRepeat = 1000;
constexpr std::size_t kMaxProgram = 20000;

void add_range(Pattern::CharClass& cc, char32_t low, char32_t high) {
    for (char32_t c = low; c <= high && c < 128; ++c) cc.ascii[c / 64] |= std::uint64_t{1} << (c % 64);
    if (high >= 128) cc.wide.push_back({low < 128 ? 128 : low, high});
}

// \d \w \s (ECMA-262 22.2.2.9: \s is white space and line terminators).
void add_shorthand(Pattern::CharClass& cc, char kind) {
    switch (kind) {
        case 'd': add_range(cc, '0', '9'); break;
        case 'w':
            add_range(cc, '0', '9');
            add_range(cc, 'A', 'Z');
            add_range(cc, 'a', 'z');
            add_range(cc, '_', '_');
            break;
        case 's':
            add_range(cc, '\t', '\r');
            add_range(cc, ' ', ' ');
            add_range(cc, 0xA0, 0xA0);
            add_range(cc, 0x1680, 0x1680);
            add_range(cc, 0x2000, 0x200A);
            add_range(cc, 0x2028, 0x2029);
            add_range(cc, 0x202F, 0x202F);
            add_range(cc, 0x205F, 0x205F);
            add_range(cc, 0x3000, 0x3000);
            add_range(cc, 0xFEFF, 0xFEFF);
            break;
    }
}

// The negation of a shorthand inside a class ([\D] and the like): every code
// point the shorthand leaves out.
void add_negated_shorthand(Pattern::CharClass& cc, char kind) {
    Pattern::CharClass positive;
    add_shorthand(positive, kind);
    char32_t from = 0;
    auto add_gap = [&](char32_t upto) {
        if (upto > from) add_range(cc, from, upto - 1);
    };
    for (char32_t c = 0; c < 128; ++c) {
        if (positive.contains(c)) {
            add_gap(c);
            from = c + 1;
        }
    }
    for (const auto& r : positive.wide) {
        add_gap(r.low);
        from = r.high + 1;
    }
    add_range(cc, from, 0x10FFFF);
}

// The pattern's syntax tree, before it becomes a program.
struct Node {
    enum class Kind { empty, literal, char_class, line_start, line_end, sequence, alternatives, repeat };
    Kind kind = Kind::empty;
    char32_t code_point = 0;
    std::uint32_t class_index = 0;
    std::uint32_t min = 0, max = 0;  // repeat; max == kUnbounded for * and +
    std::vector<std::unique_ptr<Node>> children;
};
constexpr std::uint32_t kUnbounded = 0xFFFFFFFF;

}  // namespace

// Recursive descent over the pattern text, then code generation.
class PatternCompiler {
public:
    explicit PatternCompiler(std::string_view source) : s_(source) {}

    Result<Pattern> run() {
        Pattern p;
        p.source_ = std::string(s_);
        classes_ = &p.classes_;
        auto tree = alternatives();
        if (!error_.empty()) return failure(p.source_);
        if (pos_ < s_.size()) {
            fail(s_[pos_] == ')' ? "')' without a matching '('" : "unexpected character");
            return failure(p.source_);
        }
        program_ = &p.program_;
        emit(*tree);
        if (!error_.empty()) return failure(p.source_);
        p.program_.push_back({Pattern::Instruction::Op::match});
        p.anchored_ = !p.program_.empty() && p.program_.front().op == Pattern::Instruction::Op::line_start;
        p.build_automaton();
        return p;
    }

private:
    using Op = Pattern::Instruction::Op;

    Problem failure(const std::string& source) const {
        return make_problem("schema.pattern",
                            "pattern \"" + source + "\" at position " + std::to_string(error_at_ + 1) + ": " + error_,
                            source);
    }
    void fail(std::string why) {
        if (error_.empty()) {
            error_ = std::move(why);
            error_at_ = pos_;
        }
    }
    bool at_end() const { return pos_ >= s_.size(); }
    char peek() const { return at_end() ? '\0' : s_[pos_]; }

    std::unique_ptr<Node> alternatives() {
        auto first = sequence();
        if (peek() != '|') return first;
        auto alt = std::make_unique<Node>();
        alt->kind = Node::Kind::alternatives;
        alt->children.push_back(std::move(first));
        while (error_.empty() && peek() == '|') {
            ++pos_;
            alt->children.push_back(sequence());
        }
        return alt;
    }

    std::unique_ptr<Node> sequence() {
        auto seq = std::make_unique<Node>();
        seq->kind = Node::Kind::sequence;
        while (error_.empty() && !at_end() && peek() != '|' && peek() != ')') seq->children.push_back(repeat());
        return seq;
    }

    std::unique_ptr<Node> repeat() {
        auto atom_node = atom();
        if (!error_.empty()) return atom_node;
        std::uint32_t min = 0, max = 0;
        const std::size_t quantifier_at = pos_;
        switch (peek()) {
            case '*': min = 0, max = kUnbounded, ++pos_; break;
            case '+': min = 1, max = kUnbounded, ++pos_; break;
            case '?': min = 0, max = 1, ++pos_; break;
            case '{':
                if (!counts(min, max)) return atom_node;
                break;
            default: return atom_node;
        }
        if (atom_node->kind == Node::Kind::line_start || atom_node->kind == Node::Kind::line_end) {
            pos_ = quantifier_at;
            fail("an anchor cannot be repeated");
            return atom_node;
        }
        if (peek() == '?') ++pos_;  // lazy: the same values match
        if (peek() == '*' || peek() == '+' || peek() == '?' || peek() == '{') {
            fail("a quantifier cannot follow a quantifier");
            return atom_node;
        }
        auto r = std::make_unique<Node>();
        r->kind = Node::Kind::repeat;
        r->min = min;
        r->max = max;
        r->children.push_back(std::move(atom_node));
        return r;
    }

    // {n}, {n,} or {n,m}, at '{'.
    bool counts(std::uint32_t& min, std::uint32_t& max) {
        ++pos_;
        auto number = [&](std::uint32_t& out) {
            std::size_t start = pos_;
            std::uint64_t v = 0;
            while (!at_end() && peek() >= '0' && peek() <= '9') v = std::min<std::uint64_t>(v * 10 + (s_[pos_++] - '0'), 1u << 31);
            out = static_cast<std::uint32_t>(v);
            return pos_ > start;
        };
        if (!number(min)) {
            fail("'{' must start a repeat count such as {3} or {1,9}");
            return false;
        }
        max = min;
        if (peek() == ',') {
            ++pos_;
            if (!number(max)) max = kUnbounded;
        }
        if (peek() != '}') {
            fail("a repeat count must end with '}'");
            return false;
        }
        ++pos_;
        if (max != kUnbounded && max < min) {
            fail("the repeat count's maximum is below its minimum");
            return false;
        }
        if (min > kMaxRepeat || (max != kUnbounded && max > kMaxRepeat)) {
            fail("repeat counts above " + std::to_string(kMaxRepeat) + " are not supported");
            return false;
        }
        return true;
    }

    std::unique_ptr<Node> leaf(Node::Kind kind) {
        auto n = std::make_unique<Node>();
        n->kind = kind;
        return n;
    }
    std::unique_ptr<Node> literal(char32_t c) {
        auto n = leaf(Node::Kind::literal);
        n->code_point = c;
        return n;
    }
    std::unique_ptr<Node> class_node(Pattern::CharClass cc) {
        auto n = leaf(Node::Kind::char_class);
        n->class_index = static_cast<std::uint32_t>(classes_->size());
        classes_->push_back(std::move(cc));
        return n;
    }

    std::unique_ptr<Node> atom() {
        const char c = peek();
        switch (c) {
            case '^': ++pos_; return leaf(Node::Kind::line_start);
            case '$': ++pos_; return leaf(Node::Kind::line_end);
            case '.': {
                ++pos_;
                // ECMA-262: any code point but the line terminators.
                Pattern::CharClass cc;
                cc.negated = true;
                add_range(cc, '\n', '\n');
                add_range(cc, '\r', '\r');
                add_range(cc, 0x2028, 0x2029);
                return class_node(std::move(cc));
            }
            case '(': {
                ++pos_;
                if (peek() == '?') {
                    if (pos_ + 1 < s_.size() && s_[pos_ + 1] == ':') {
                        pos_ += 2;
                    } else {
                        fail("look-around and named groups are not supported; use (...) or (?:...)");
                        return leaf(Node::Kind::empty);
                    }
                }
                auto inner = alternatives();
                if (!error_.empty()) return inner;
                if (peek() != ')') {
                    fail("'(' without a matching ')'");
                    return inner;
                }
                ++pos_;
                return inner;
            }
            case '[': return bracket();
            case '\\': {
                ++pos_;
                Pattern::CharClass cc;
                char32_t lit = 0;
                switch (escape(cc, lit, false)) {
                    case Escape::literal: return literal(lit);
                    case Escape::set: return class_node(std::move(cc));
                    case Escape::bad: return leaf(Node::Kind::empty);
                }
                return leaf(Node::Kind::empty);
            }
            case '*':
            case '+':
            case '?': fail("a quantifier needs something before it to repeat"); return leaf(Node::Kind::empty);
            case '{': fail("'{' must follow something to repeat, as in [0-9]{6}"); return leaf(Node::Kind::empty);
            default: {
                std::size_t i = pos_;
                char32_t cp = next_code_point(s_, i);
                pos_ = i;
                return literal(cp);
            }
        }
    }

    enum class Escape { literal, set, bad };

    // After a backslash. In a class, \b is a backspace and \- a hyphen.
    Escape escape(Pattern::CharClass& cc, char32_t& lit, bool in_class) {
        if (at_end()) {
            fail("the pattern ends with a lone backslash");
            return Escape::bad;
        }
        const char e = s_[pos_++];
        switch (e) {
            case 'd':
            case 'w':
            case 's': add_shorthand(cc, e); return Escape::set;
            case 'D':
            case 'W':
            case 'S':
                if (in_class) {
                    add_negated_shorthand(cc, static_cast<char>(e + ('a' - 'A')));
                } else {
                    add_shorthand(cc, static_cast<char>(e + ('a' - 'A')));
                    cc.negated = true;
                }
                return Escape::set;
            case 't': lit = '\t'; return Escape::literal;
            case 'n': lit = '\n'; return Escape::literal;
            case 'r': lit = '\r'; return Escape::literal;
            case 'f': lit = '\f'; return Escape::literal;
            case 'v': lit = '\v'; return Escape::literal;
            case '0':
                if (peek() >= '0' && peek() <= '9') break;
                lit = 0;
                return Escape::literal;
            case 'u': {
                char32_t v = 0;
                for (int k = 0; k < 4; ++k) {
                    const char h = peek();
                    int d = h >= '0' && h <= '9' ? h - '0' : h >= 'a' && h <= 'f' ? h - 'a' + 10 : h >= 'A' && h <= 'F' ? h - 'A' + 10 : -1;
                    if (d < 0) {
                        fail("\\u must be followed by four hexadecimal digits");
                        return Escape::bad;
                    }
                    v = v * 16 + static_cast<char32_t>(d);
                    ++pos_;
                }
                lit = v;
                return Escape::literal;
            }
            case 'b':
                if (in_class) {
                    lit = '\b';
                    return Escape::literal;
                }
                break;
            case '-':
                if (in_class) {
                    lit = '-';
                    return Escape::literal;
                }
                break;
            default:
                if (std::string_view("^$\\.*+?()[]{}|/").find(e) != std::string_view::npos) {
                    lit = static_cast<unsigned char>(e);
                    return Escape::literal;
                }
                break;
        }
        --pos_;
        fail(std::string("the escape \\") + e + " is not supported");
        return Escape::bad;
    }

    // At '['.
    std::unique_ptr<Node> bracket() {
        ++pos_;
        Pattern::CharClass cc;
        if (peek() == '^') {
            cc.negated = true;
            ++pos_;
        }
        // One member: a code point (returned) or a set such as \d (added to cc).
        auto member = [&](char32_t& out) -> bool {
            if (peek() == '\\') {
                ++pos_;
                Pattern::CharClass set;
                switch (escape(set, out, true)) {
                    case Escape::literal: return true;
                    case Escape::set:
                        for (char32_t c = 0; c < 128; ++c)
                            if (set.contains(c)) add_range(cc, c, c);
                        for (const auto& r : set.wide) add_range(cc, r.low, r.high);
                        return false;
                    case Escape::bad: return false;
                }
            }
            std::size_t i = pos_;
            out = next_code_point(s_, i);
            pos_ = i;
            return true;
        };
        while (error_.empty()) {
            if (at_end()) {
                fail("'[' without a matching ']'");
                break;
            }
            if (peek() == ']') {
                ++pos_;
                break;
            }
            char32_t low = 0;
            if (!member(low)) continue;
            // A '-' between two code points makes a range; first or last, it is itself.
            if (peek() == '-' && pos_ + 1 < s_.size() && s_[pos_ + 1] != ']') {
                ++pos_;
                char32_t high = 0;
                const std::size_t high_at = pos_;
                if (!member(high)) {
                    if (error_.empty()) {
                        pos_ = high_at;
                        fail("a class range cannot end with a set such as \\d");
                    }
                    break;
                }
                if (high < low) {
                    pos_ = high_at;
                    fail("the class range is out of order");
                    break;
                }
                add_range(cc, low, high);
            } else {
                add_range(cc, low, low);
            }
        }
        return class_node(std::move(cc));
    }

    std::uint32_t here() const { return static_cast<std::uint32_t>(program_->size()); }
    std::uint32_t put(Op op, std::uint32_t a = 0, std::uint32_t b = 0) {
        if (program_->size() >= kMaxProgram) {
            fail("the pattern is too large (its repeat counts multiply to more than " + std::to_string(kMaxProgram) +
                 " steps)");
            error_at_ = 0;
            return here();
        }
        program_->push_back({op, a, b});
        return here() - 1;
    }

    void emit(const Node& n) {
        if (!error_.empty()) return;
        switch (n.kind) {
            case Node::Kind::empty: break;
            case Node::Kind::literal: put(Op::literal, n.code_point); break;
            case Node::Kind::char_class: put(Op::char_class, n.class_index); break;
            case Node::Kind::line_start: put(Op::line_start); break;
            case Node::Kind::line_end: put(Op::line_end); break;
            case Node::Kind::sequence:
                for (const auto& c : n.children) emit(*c);
                break;
            case Node::Kind::alternatives: {
                // split(first, next alternative); first; jump(end) ... last
                std::vector<std::uint32_t> jumps;
                for (std::size_t i = 0; i + 1 < n.children.size(); ++i) {
                    const std::uint32_t split = put(Op::split);
                    if (!error_.empty()) return;
                    (*program_)[split].a = here();
                    emit(*n.children[i]);
                    jumps.push_back(put(Op::jump));
                    if (!error_.empty()) return;
                    (*program_)[split].b = here();
                }
                emit(*n.children.back());
                if (!error_.empty()) return;
                for (auto j : jumps) (*program_)[j].a = here();
                break;
            }
            case Node::Kind::repeat: {
                const Node& body = *n.children.front();
                for (std::uint32_t i = 0; i < n.min && error_.empty(); ++i) emit(body);
                if (n.max == kUnbounded) {
                    // loop: split(body, end); body; jump(loop)
                    const std::uint32_t loop = put(Op::split);
                    if (!error_.empty()) return;
                    (*program_)[loop].a = here();
                    emit(body);
                    put(Op::jump, loop);
                    if (!error_.empty()) return;
                    (*program_)[loop].b = here();
                } else {
                    // Each optional copy may be skipped, and skipping one skips the rest.
                    std::vector<std::uint32_t> splits;
                    for (std::uint32_t i = n.min; i < n.max && error_.empty(); ++i) {
                        splits.push_back(put(Op::split));
                        if (!error_.empty()) return;
                        (*program_)[splits.back()].a = here();
                        emit(body);
                    }
                    if (!error_.empty()) return;
                    for (auto s : splits) (*program_)[s].b = here();
                }
                break;
            }
        }
    }

    std::string_view s_;
    std::size_t pos_ = 0;
    std::string error_;
    std::size_t error_at_ = 0;
    std::vector<Pattern::CharClass>* classes_ = nullptr;
    std::vector<Pattern::Instruction>* program_ = nullptr;
};

Result<Pattern> Pattern::compile(std::string_view source) { return PatternCompiler(source).run(); }

}  // namespace govbus::codec

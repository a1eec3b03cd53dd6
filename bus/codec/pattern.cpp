// Matching a compiled pattern: the deterministic automaton built from the
// program (subset construction), and the breadth-first simulation of the
// program for a pattern too large for one. The compiler is in
// pattern_compiler.cpp.
#include "bus/codec/pattern.hpp"

#include "bus/codec/utf8.hpp"

#include <algorithm>

namespace govbus::codec {

bool Pattern::CharClass::contains(char32_t c) const {
    bool in = false;
    if (c < 128) {
        in = (ascii[c / 64] >> (c % 64)) & 1;
    } else {
        for (const auto& r : wide)
            if (c >= r.low && c <= r.high) {
                in = true;
                break;
            }
    }
    return in != negated;
}

namespace {

// The thread lists of one search, kept per thread between searches so that
// checking a value allocates nothing once the lists have grown.
struct Scratch {
    std::vector<std::uint32_t> current, next, stack;
    std::vector<std::uint64_t> seen;  // generation at which each instruction was last added
    std::uint64_t generation = 0;
};

}  // namespace

bool Pattern::simulate(std::string_view text) const {
    using Op = Instruction::Op;
    thread_local Scratch scratch;
    Scratch& w = scratch;
    if (w.seen.size() < program_.size()) w.seen.assign(program_.size(), 0);
    w.current.clear();
    w.next.clear();

    // Adds the thread at `pc` to `list` for position `at` and follows the
    // instructions that consume nothing (split, jump, anchors).
    auto add = [&](std::vector<std::uint32_t>& list, std::uint32_t pc, std::size_t at) {
        w.stack.clear();
        w.stack.push_back(pc);
        while (!w.stack.empty()) {
            const std::uint32_t p = w.stack.back();
            w.stack.pop_back();
            if (w.seen[p] == w.generation) continue;
            w.seen[p] = w.generation;
            const Instruction& in = program_[p];
            switch (in.op) {
                case Op::jump: w.stack.push_back(in.a); break;
                case Op::split:
                    w.stack.push_back(in.b);
                    w.stack.push_back(in.a);
                    break;
                case Op::line_start:
                    if (at == 0) w.stack.push_back(p + 1);
                    break;
                case Op::line_end:
                    if (at == text.size()) w.stack.push_back(p + 1);
                    break;
                default: list.push_back(p); break;
            }
        }
    };

    ++w.generation;
    add(w.current, 0, 0);
    std::size_t at = 0;
    while (true) {
        for (std::uint32_t pc : w.current)
            if (program_[pc].op == Op::match) return true;
        if (at >= text.size()) return false;
        std::size_t after = at;
        const char32_t c = next_code_point(text, after);
        ++w.generation;
        w.next.clear();
        for (std::uint32_t pc : w.current) {
            const Instruction& in = program_[pc];
            bool step = false;
            switch (in.op) {
                case Op::literal: step = c == in.a; break;
                case Op::char_class: step = classes_[in.a].contains(c); break;
                default: break;
            }
            if (step) add(w.next, pc + 1, after);
        }
        // Unanchored, a match may also start at the next position.
        if (!anchored_) add(w.next, 0, after);
        std::swap(w.current, w.next);
        at = after;
        if (w.current.empty()) return false;
    }
}

namespace {

// The instructions reachable from `kernel` without consuming a character,
// with ^ true only at the value's start and $ only at its end.
std::vector<std::uint32_t> closure(const std::vector<Pattern::Instruction>& program,
                                   const std::vector<std::uint32_t>& kernel, bool at_start, bool at_end) {
    using Op = Pattern::Instruction::Op;
    std::vector<std::uint8_t> seen(program.size(), 0);
    std::vector<std::uint32_t> stack(kernel.rbegin(), kernel.rend()), out;
    while (!stack.empty()) {
        const std::uint32_t p = stack.back();
        stack.pop_back();
        if (seen[p]) continue;
        seen[p] = 1;
        const auto& in = program[p];
        switch (in.op) {
            case Op::jump: stack.push_back(in.a); break;
            case Op::split:
                stack.push_back(in.b);
                stack.push_back(in.a);
                break;
            case Op::line_start:
                if (at_start) stack.push_back(p + 1);
                break;
            case Op::line_end:
                if (at_end) stack.push_back(p + 1);
                break;
            default: out.push_back(p); break;
        }
    }
    std::sort(out.begin(), out.end());
    return out;
}

bool has_match(const std::vector<Pattern::Instruction>& program, const std::vector<std::uint32_t>& set) {
    for (auto p : set)
        if (program[p].op == Pattern::Instruction::Op::match) return true;
    return false;
}

}  // namespace

std::uint16_t Pattern::symbol_of(char32_t c) const {
    if (c < 128) return ascii_symbol_[c];
    return static_cast<std::uint16_t>(std::upper_bound(boundaries_.begin(), boundaries_.end(), c) - boundaries_.begin());
}

void Pattern::build_automaton() {
    using Op = Instruction::Op;
    // Symbols: every class and literal starts and ends on a boundary.
    std::vector<char32_t> cuts;
    for (const auto& in : program_)
        if (in.op == Op::literal) {
            cuts.push_back(in.a);
            cuts.push_back(in.a + 1);
        }
    for (const auto& cc : classes_) {
        for (char32_t c = 0; c <= 128; ++c)
            if (c == 0 || c == 128 || cc.contains(c) != cc.contains(c - 1)) cuts.push_back(c);
        for (const auto& r : cc.wide) {
            cuts.push_back(r.low);
            cuts.push_back(r.high + 1);
        }
    }
    std::sort(cuts.begin(), cuts.end());
    cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
    cuts.erase(std::remove(cuts.begin(), cuts.end(), char32_t{0}), cuts.end());
    boundaries_ = cuts;
    symbols_ = boundaries_.size() + 1;
    // A representative code point of each symbol, to ask the classes with.
    std::vector<char32_t> representative(symbols_);
    for (std::size_t k = 0; k < symbols_; ++k) representative[k] = k == 0 ? 0 : boundaries_[k - 1];
    for (char32_t c = 0; c < 128; ++c)
        ascii_symbol_[c] = static_cast<std::uint16_t>(std::upper_bound(boundaries_.begin(), boundaries_.end(), c) -
                                                      boundaries_.begin());

    auto steps = [&](std::uint32_t pc, char32_t c) {
        const Instruction& in = program_[pc];
        return (in.op == Op::literal && c == in.a) || (in.op == Op::char_class && classes_[in.a].contains(c));
    };

    // States are identified by their kernel: the instructions right after a
    // step (plus the start, for a pattern that may begin anywhere).
    std::map<std::vector<std::uint32_t>, std::uint16_t> ids;
    std::vector<std::vector<std::uint32_t>> kernels;
    std::vector<std::uint16_t> table;
    std::vector<std::uint8_t> now, at_end;
    auto state_of = [&](std::vector<std::uint32_t> kernel) -> int {
        std::sort(kernel.begin(), kernel.end());
        kernel.erase(std::unique(kernel.begin(), kernel.end()), kernel.end());
        auto it = ids.find(kernel);
        if (it != ids.end()) return it->second;
        if (kernels.size() >= kMaxStates) return -1;
        const auto id = static_cast<std::uint16_t>(kernels.size());
        ids.emplace(kernel, id);
        kernels.push_back(kernel);
        return id;
    };
    // 0: dead; 1: the start, where ^ holds (not looked up by kernel: a later
    // state with the same kernel is a different one, where ^ fails).
    ids.emplace(std::vector<std::uint32_t>{}, 0);
    kernels.push_back({});
    kernels.push_back({0});
    const auto start_set = closure(program_, {0}, true, false);
    empty_matches_ = has_match(program_, closure(program_, {0}, true, true));
    for (std::size_t s = 0; s < kernels.size(); ++s) {
        const bool start = s == 1;
        const auto set = start ? start_set : closure(program_, kernels[s], false, false);
        now.push_back(has_match(program_, set));
        at_end.push_back(start ? empty_matches_ : has_match(program_, closure(program_, kernels[s], false, true)));
        for (std::size_t k = 0; k < symbols_; ++k) {
            std::vector<std::uint32_t> kernel;
            for (auto pc : set)
                if (steps(pc, representative[k])) kernel.push_back(pc + 1);
            if (!anchored_) kernel.push_back(0);
            int target = kernel.empty() ? 0 : state_of(std::move(kernel));
            if (target < 0) {  // too many states: simulate the program instead
                next_.clear();
                accept_now_.clear();
                accept_at_end_.clear();
                return;
            }
            table.push_back(static_cast<std::uint16_t>(target));
        }
    }
    next_ = std::move(table);
    accept_now_ = std::move(now);
    accept_at_end_ = std::move(at_end);
}

bool Pattern::search(std::string_view text) const {
    if (!deterministic()) return simulate(text);
    std::size_t state = 1;
    for (std::size_t i = 0; i < text.size();) {
        if (accept_now_[state]) return true;
        const auto b = static_cast<unsigned char>(text[i]);
        std::uint16_t symbol;
        if (b < 0x80) {
            symbol = ascii_symbol_[b];
            ++i;
        } else {
            symbol = symbol_of(next_code_point(text, i));
        }
        state = next_[state * symbols_ + symbol];
        if (state == 0) return false;
    }
    return accept_now_[state] || accept_at_end_[state];
}

Status PatternSet::add(std::string_view source) {
    if (patterns_.find(source) != patterns_.end()) return ok_status();
    auto compiled = Pattern::compile(source);
    if (!compiled) return compiled.problems();
    patterns_.emplace(std::string(source), std::move(compiled.value()));
    return ok_status();
}

std::vector<std::string> PatternSet::sources() const {
    std::vector<std::string> out;
    for (const auto& [source, pattern] : patterns_) out.push_back(source);
    return out;
}

const Pattern* PatternSet::find(std::string_view source) const {
    auto it = patterns_.find(source);
    return it == patterns_.end() ? nullptr : &it->second;
}

}  // namespace govbus::codec

// Problems and results: how every expected failure in govbus is reported.
// A Problem carries a stable reason code (docs/reason-codes.md), the place it
// was found, and a sentence a person can act on. Exceptions are for bugs and
// start-up only (STYLE.md practice 4).
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace govbus {

struct Problem {
    std::string code;     // stable reason code, e.g. "schema.invalid", "data.id_number"
    std::string message;  // what was wrong and what to do, one sentence
    std::string field;    // XPath ("/env:Envelope/env:Header/env:Source") or JSON Pointer ("/header/source")
    int line = 0;         // 1-based line in the input, 0 when unknown
    int column = 0;       // 1-based column, 0 when unknown
    bool warning = false; // true for findings an operator may allow (e.g. legacy credit codes)

    // "code at line:column (field): message"
    std::string to_string() const;
};

using Problems = std::vector<Problem>;

// Adds `from` at the end of `to`, for checks that collect every problem before answering.
inline void append_problems(Problems& to, const Problems& from) { to.insert(to.end(), from.begin(), from.end()); }

// Whether any of `ps` is an error rather than a warning.
inline bool has_error(const Problems& ps) {
    for (const auto& p : ps)
        if (!p.warning) return true;
    return false;
}

// Either a value or the problems that stopped it. Warnings may ride along with a value.
template <class T>
class Result {
public:
    Result(T value) : value_(std::move(value)) {}
    Result(Problem p) { problems_.push_back(std::move(p)); }
    Result(Problems ps) : problems_(std::move(ps)) {}

    bool ok() const { return value_.has_value(); }
    explicit operator bool() const { return ok(); }

    T& value() & { return *value_; }
    const T& value() const& { return *value_; }
    T&& value() && { return std::move(*value_); }
    T* operator->() { return &*value_; }
    const T* operator->() const { return &*value_; }
    T& operator*() { return *value_; }
    const T& operator*() const { return *value_; }

    // The errors when !ok(); the warnings when ok().
    const Problems& problems() const { return problems_; }
    Problems& problems() { return problems_; }
    // The first error (a warning only when there is no error); only
    // meaningful when !ok(). Warnings found before an error in the same
    // check stay in problems() but do not become the reason.
    const Problem& problem() const {
        for (const auto& p : problems_)
            if (!p.warning) return p;
        return problems_.front();
    }

    Result& with_warnings(Problems ws) & {
        for (auto& w : ws) problems_.push_back(std::move(w));
        return *this;
    }
    // On a temporary: `return Result<T>(v).with_warnings(w);` moves the value out instead of copying it.
    Result&& with_warnings(Problems ws) && { return std::move(with_warnings(std::move(ws))); }

private:
    std::optional<T> value_;
    Problems problems_;
};

// Success with nothing to return.
struct Done {};
using Status = Result<Done>;
inline Status ok_status() { return Status(Done{}); }

inline Problem make_problem(std::string code, std::string message, std::string field = {}, int line = 0,
                            int column = 0) {
    Problem p;
    p.code = std::move(code);
    p.message = std::move(message);
    p.field = std::move(field);
    p.line = line;
    p.column = column;
    return p;
}

}  // namespace govbus

// A JSON Pointer (RFC 6901) into a message payload, split into reference
// tokens once when the route table loads so each message only walks the tree.
#pragma once

#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <vector>

namespace govbus::router {

class JsonPointer {
public:
    // nullopt with `error` set when `text` is not a valid pointer (RFC 6901 §3:
    // empty, or "/"-separated tokens where "~" is only followed by 0 or 1).
    static std::optional<JsonPointer> compile(const std::string& text, std::string& error);

    // The value the pointer names, or nullptr when it names nothing.
    const boost::json::value* resolve(const boost::json::value& root) const;

    const std::string& text() const { return text_; }

private:
    struct Token {
        std::string key;                   // unescaped (RFC 6901 §4)
        std::optional<std::size_t> index;  // set when the token can index an array
    };
    std::string text_;
    std::vector<Token> tokens_;
};

}  // namespace govbus::router

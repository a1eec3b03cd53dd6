// A boost::json SAX handler that builds the value itself, so it can see each
// member name before it is stored and the full text of every number.
#include "security/jose/untrusted_json.hpp"

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/value.hpp>

#include <charconv>
#include <cmath>
#include <string>
#include <vector>

namespace govbus::security {

namespace json = boost::json;

namespace {

class TreeBuilder {
public:
    static constexpr std::size_t max_array_size = static_cast<std::size_t>(-1);
    static constexpr std::size_t max_object_size = static_cast<std::size_t>(-1);
    static constexpr std::size_t max_string_size = static_cast<std::size_t>(-1);
    static constexpr std::size_t max_key_size = static_cast<std::size_t>(-1);

    json::value root;
    std::string why;  // set when the handler itself refused

    bool on_document_begin(json::error_code&) { return true; }
    bool on_document_end(json::error_code&) { return true; }
    bool on_array_begin(json::error_code&) { return open(json::array()); }
    bool on_array_end(std::size_t, json::error_code& ec) { return close(ec); }
    bool on_object_begin(json::error_code&) { return open(json::object()); }
    bool on_object_end(std::size_t, json::error_code& ec) { return close(ec); }
    bool on_string_part(json::string_view s, std::size_t, json::error_code&) { return text_.append(s), true; }
    bool on_string(json::string_view s, std::size_t, json::error_code& ec) {
        text_.append(s);
        json::value v = json::string(json::string_view(text_));
        text_.clear();
        return add(std::move(v), ec);
    }
    bool on_key_part(json::string_view s, std::size_t, json::error_code&) { return text_.append(s), true; }
    bool on_key(json::string_view s, std::size_t, json::error_code& ec) {
        text_.append(s);
        Frame& f = frames_.back();
        if (f.value.as_object().contains(text_)) return refuse("member \"" + text_ + "\" appears twice in one object", ec);
        f.key = std::move(text_);
        text_.clear();
        return true;
    }
    bool on_number_part(json::string_view s, json::error_code&) { return number_.append(s), true; }
    bool on_int64(std::int64_t i, json::string_view, json::error_code& ec) { return number_.clear(), add(i, ec); }
    bool on_uint64(std::uint64_t u, json::string_view, json::error_code& ec) { return number_.clear(), add(u, ec); }
    // Boost.JSON's own conversion is fast but not always correctly rounded;
    // from_chars is (C++17 [charconv.from.chars]), like JSON.parse (ECMA-262 §7.1.4.1.1).
    bool on_double(double, json::string_view s, json::error_code& ec) {
        number_.append(s);
        double d = 0;
        const auto [end, err] = std::from_chars(number_.data(), number_.data() + number_.size(), d);
        const bool whole = end == number_.data() + number_.size();
        const std::string text = std::move(number_);
        number_.clear();
        if (err != std::errc() || !whole || !std::isfinite(d))
            return refuse("the number " + text.substr(0, 40) + " is outside the range of an IEEE 754 double", ec);
        return add(d, ec);
    }
    bool on_bool(bool b, json::error_code& ec) { return add(b, ec); }
    bool on_null(json::error_code& ec) { return add(nullptr, ec); }
    bool on_comment_part(json::string_view, json::error_code&) { return true; }
    bool on_comment(json::string_view, json::error_code&) { return true; }

private:
    struct Frame {
        json::value value;
        std::string key;  // the member the next value belongs to (objects)
    };

    bool open(json::value container) {
        frames_.push_back(Frame{std::move(container), {}});
        return true;
    }
    bool close(json::error_code& ec) {
        json::value done = std::move(frames_.back().value);
        frames_.pop_back();
        return add(std::move(done), ec);
    }
    bool add(json::value v, json::error_code&) {
        if (frames_.empty()) {
            root = std::move(v);
        } else if (frames_.back().value.is_array()) {
            frames_.back().value.as_array().push_back(std::move(v));
        } else {
            Frame& f = frames_.back();
            f.value.as_object().emplace(f.key, std::move(v));
        }
        return true;
    }
    bool refuse(std::string message, json::error_code& ec) {
        why = std::move(message);
        ec = json::error::syntax;  // any error stops the parser; `why` says which
        return false;
    }

    std::vector<Frame> frames_;
    std::string text_;    // the string or key being read, across parts
    std::string number_;  // the number being read, across parts
};

}  // namespace

Result<json::value> parse_untrusted_json(std::string_view text, const char* code) {
    json::parse_options options;
    options.max_depth = kMaxJsonDepth;
    json::basic_parser<TreeBuilder> parser(options);
    json::error_code ec;
    const std::size_t used = parser.write_some(false, text.data(), text.size(), ec);
    if (!ec && used < text.size()) ec = json::error::extra_data;
    if (ec) {
        std::string why = parser.handler().why;
        if (why.empty())
            why = ec == json::error::too_deep ? "objects and arrays nest more than " + std::to_string(kMaxJsonDepth) + " deep"
                                              : "not valid JSON (" + ec.message() + ")";
        return make_problem(code, why);
    }
    return std::move(parser.handler().root);
}

}  // namespace govbus::security

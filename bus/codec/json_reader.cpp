#include "bus/codec/json_reader.hpp"

#include "bus/codec/schema_walk.hpp"
#include "bus/codec/text_position.hpp"
#include "bus/codec/utf8.hpp"

#include <rapidjson/error/en.h>
#include <rapidjson/reader.h>

#include <string>
#include <vector>

namespace govbus::codec {

namespace {

// The encoding is checked before parsing (first_invalid_utf8), faster than
// the reader's own check. In situ: strings are unescaped inside the text and
// the document points at them, with no copy into the reader's stack and
// another into the document.
constexpr unsigned kFlags = rapidjson::kParseIterativeFlag | rapidjson::kParseInsituFlag;

// The reader takes a NUL-terminated string. Built with SSE2 it loads sixteen
// aligned bytes at a time and may read up to fifteen past the terminator;
// the copy keeps those bytes inside its allocation, set to NUL.
std::string terminated_copy(std::string_view text) {
    std::string copy;
    copy.reserve(text.size() + 16);
    copy.append(text);
    copy.append(16, '\0');  // only the tail is zeroed, not the whole buffer before the copy
    copy.resize(text.size());
    return copy;
}

// Where the reader is: one frame per open object or array. Frames and their
// name lists are kept for the next object at the same depth, so tracking a
// message allocates little after its first objects. Names are views of the
// reader's in-situ buffer, where each stays while the parse lasts.
class PathTracker {
public:
    struct Frame {
        bool object = false;
        std::size_t next_index = 0;  // arrays: the index the next element gets
        std::string_view key;        // objects: the current member name
        bool has_token = false;
        std::vector<std::string_view> names;  // objects: member names seen, the first `used` of them
        std::size_t used = 0;
    };

    // Called before every value: inside an array the value gets the next index.
    void value() {
        if (depth_ == 0 || frames_[depth_ - 1].object) return;
        Frame& f = frames_[depth_ - 1];
        ++f.next_index;
        f.has_token = true;
    }
    void open(bool object) {
        if (depth_ == frames_.size()) frames_.emplace_back();
        Frame& f = frames_[depth_++];
        f.object = object;
        f.next_index = 0;
        f.has_token = false;
        f.used = 0;
    }
    void close() { --depth_; }
    // Returns false when the name was already used in this object.
    bool key(const char* s, rapidjson::SizeType n) {
        Frame& f = frames_[depth_ - 1];
        const std::string_view name(s, n);
        f.key = name;
        f.has_token = true;
        for (std::size_t i = 0; i < f.used; ++i)
            if (f.names[i] == name) return false;
        if (f.used == f.names.size()) f.names.emplace_back();
        f.names[f.used++] = name;
        return true;
    }
    std::size_t depth() const { return depth_; }
    std::string pointer() const {
        std::string p;
        for (std::size_t i = 0; i < depth_; ++i) {
            const Frame& f = frames_[i];
            if (!f.has_token) continue;
            if (f.object) {
                append_pointer_token(p, f.key);
            } else {
                p += '/';
                p += std::to_string(f.next_index - 1);
            }
        }
        return p;
    }

private:
    std::vector<Frame> frames_;
    std::size_t depth_ = 0;
};

// Forwards SAX events to the document while enforcing the caps.
template <class Out>
class CappedHandler : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, CappedHandler<Out>> {
public:
    CappedHandler(Out& out, rapidjson::InsituStringStream& in, std::string_view text, const JsonLimits& limits)
        : out_(out), in_(in), text_(text), limits_(limits) {}

    bool Null() { return path_.value(), out_.Null(); }
    bool Bool(bool b) { return path_.value(), out_.Bool(b); }
    bool Int(int i) { return path_.value(), out_.Int(i); }
    bool Uint(unsigned u) { return path_.value(), out_.Uint(u); }
    bool Int64(int64_t i) { return path_.value(), out_.Int64(i); }
    bool Uint64(uint64_t u) { return path_.value(), out_.Uint64(u); }
    bool Double(double d) { return path_.value(), out_.Double(d); }
    bool RawNumber(const char* s, rapidjson::SizeType n, bool copy) { return path_.value(), out_.RawNumber(s, n, copy); }
    bool String(const char* s, rapidjson::SizeType n, bool copy) { return path_.value(), out_.String(s, n, copy); }
    bool StartObject() { return open(true) && out_.StartObject(); }
    bool StartArray() { return open(false) && out_.StartArray(); }
    bool EndObject(rapidjson::SizeType n) { return path_.close(), out_.EndObject(n); }
    bool EndArray(rapidjson::SizeType n) { return path_.close(), out_.EndArray(n); }
    bool Key(const char* s, rapidjson::SizeType n, bool copy) {
        if (!path_.key(s, n)) {
            fail("json.duplicate_key",
                 "member '" + std::string(s, n) + "' appears twice in the same object; keep one (a signed message "
                 "must have one meaning)");
            return false;
        }
        return out_.Key(s, n, copy);
    }

    const Problems& problems() const { return problems_; }

private:
    bool open(bool object) {
        path_.value();
        path_.open(object);
        if (static_cast<int>(path_.depth()) > limits_.max_depth) {
            fail("json.too_deep", "objects and arrays are nested more than " + std::to_string(limits_.max_depth) +
                                      " deep; govbus messages are far shallower, so flatten the payload");
            return false;
        }
        return true;
    }
    void fail(const char* code, std::string message) {
        auto [line, column] = line_column(text_, in_.Tell());
        problems_.push_back(make_problem(code, std::move(message), path_.pointer(), line, column));
    }

    Out& out_;
    rapidjson::InsituStringStream& in_;  // its Tell() is not const
    std::string_view text_;
    JsonLimits limits_;
    PathTracker path_;
    Problems problems_;
};

// Document::Populate() drives this: the reader's events go through the caps
// into the document. `buffer` is the text's terminated copy, parsed in situ.
class CappedParse {
public:
    CappedParse(std::string_view text, std::string& buffer, const JsonLimits& limits)
        : text_(text), buffer_(buffer), limits_(limits) {}

    template <class Out>
    bool operator()(Out& document) {
        // RapidJSON reads up to a NUL, which would hide whatever follows one.
        if (auto nul = text_.find('\0'); nul != std::string_view::npos) {
            auto [line, column] = line_column(text_, nul);
            problems.push_back(make_problem("json.malformed",
                                            "the message contains a NUL character; JSON text must not", {}, line,
                                            column));
            return false;
        }
        if (auto bad = first_invalid_utf8(text_)) {
            auto [line, column] = line_column(text_, *bad);
            problems.push_back(make_problem(
                "json.malformed",
                "the message is not valid UTF-8 here (RFC 8259 §8.1: JSON text is UTF-8); fix the encoding", {},
                line, column));
            return false;
        }
        buffer_ = terminated_copy(text_);
        rapidjson::InsituStringStream in(buffer_.data());
        CappedHandler<Out> handler(document, in, text_, limits_);
        rapidjson::Reader reader;
        reader.Parse<kFlags>(in, handler);
        if (!handler.problems().empty()) {
            problems = handler.problems();
            return false;
        }
        if (reader.HasParseError()) {
            auto [line, column] = line_column(text_, reader.GetErrorOffset());
            problems.push_back(make_problem(
                "json.malformed",
                std::string("the message is not valid JSON: ") + rapidjson::GetParseError_En(reader.GetParseErrorCode()) +
                    " Fix the text at this position.",
                {}, line, column));
            return false;
        }
        return true;
    }

    Problems problems;

private:
    std::string_view text_;
    std::string& buffer_;
    JsonLimits limits_;
};

// Stops the reader at the member or element a pointer names.
class PointerFinder : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, PointerFinder> {
public:
    PointerFinder(std::string target, rapidjson::InsituStringStream& in) : target_(std::move(target)), in_(in) {}
    bool Default() { return value(); }
    bool String(const char*, rapidjson::SizeType, bool) { return value(); }
    bool StartObject() { return value() && (path_.open(true), true); }
    bool StartArray() { return value() && (path_.open(false), true); }
    bool EndObject(rapidjson::SizeType) { return path_.close(), true; }
    bool EndArray(rapidjson::SizeType) { return path_.close(), true; }
    bool Key(const char* s, rapidjson::SizeType n, bool) {
        path_.key(s, n);
        return !hit();
    }
    std::size_t offset = 0;

private:
    bool value() {
        path_.value();
        return !hit();
    }
    bool hit() {
        if (path_.pointer() != target_) return false;
        offset = in_.Tell();
        return true;
    }
    std::string target_;
    rapidjson::InsituStringStream& in_;
    PathTracker path_;
};

}  // namespace

Result<std::unique_ptr<ParsedJson>> read_json(std::string_view bytes, const JsonLimits& limits) {
    if (bytes.size() > limits.max_bytes)
        return make_problem("json.too_large", "the message has " + std::to_string(bytes.size()) +
                                                  " bytes, more than the limit of " + std::to_string(limits.max_bytes) +
                                                  "; send large files by reference (name + digest)");
    auto parsed = std::make_unique<ParsedJson>();
    CappedParse parse(bytes, parsed->text, limits);
    parsed->document.Populate(parse);
    if (!parse.problems.empty()) return std::move(parse.problems);
    return parsed;
}

std::pair<int, int> locate_pointer(std::string_view bytes, std::string_view pointer) {
    if (pointer.empty()) return {1, 1};
    std::string copy = terminated_copy(bytes);
    rapidjson::InsituStringStream in(copy.data());
    PointerFinder finder{std::string(pointer), in};
    rapidjson::Reader reader;
    reader.Parse<kFlags>(in, finder);
    return finder.offset ? line_column(bytes, finder.offset) : std::pair<int, int>{0, 0};
}

}  // namespace govbus::codec

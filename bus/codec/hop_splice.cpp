#include "bus/codec/hop_splice.hpp"

#include <algorithm>
#include <cctype>

namespace govbus::codec {

namespace {

constexpr auto npos = std::string_view::npos;

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
}

// The text of an XML declaration (`<?xml ... ?>`) names an encoding whose
// bytes for markup are those of UTF-8, or none (XML 1.0 §4.3.3: UTF-8 then).
bool declares_utf8(std::string_view declaration) {
    std::size_t at = declaration.find("encoding");
    if (at == npos) return true;
    at = declaration.find_first_of("\"'", at);
    if (at == npos) return false;
    std::size_t end = declaration.find(declaration[at], at + 1);
    if (end == npos) return false;
    std::string name = lower(declaration.substr(at + 1, end - at - 1));
    return name == "utf-8" || name == "utf8" || name == "us-ascii" || name == "ascii";
}

void append_escaped(std::string& out, std::string_view text) {
    for (char c : text) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            default: out.push_back(c);
        }
    }
}

// `<p:hop><p:node>…</p:node><p:time>…</p:time>[<p:signature>…</p:signature>]</p:hop>`
std::string hop_element(const std::string& prefix, const Hop& hop) {
    const std::string p = prefix.empty() ? std::string() : prefix + ":";
    std::string out;
    auto field = [&](const char* name, const std::string& value) {
        out += "<" + p + name + ">";
        append_escaped(out, value);
        out += "</" + p + name + ">";
    };
    out += "<" + p + "hop>";
    field("node", hop.node);
    field("time", hop.time);
    if (!hop.signature.empty()) field("signature", hop.signature);
    out += "</" + p + "hop>";
    return out;
}

// A new hops element holding the one hop.
std::string hops_element(const std::string& prefix, const Hop& hop) {
    const std::string p = prefix.empty() ? std::string() : prefix + ":";
    return "<" + p + "hops>" + hop_element(prefix, hop) + "</" + p + "hops>";
}

std::string spliced(std::string_view document, std::size_t from, std::size_t to, std::string_view insert) {
    std::string out;
    out.reserve(document.size() + insert.size());
    out.append(document.substr(0, from)).append(insert).append(document.substr(to));
    return out;
}

// The '>' that ends the tag whose attributes start at `from`; quotes in
// attribute values may hold '>'.
std::size_t tag_end(std::string_view doc, std::size_t from) {
    for (std::size_t i = from; i < doc.size(); ++i) {
        if (doc[i] == '>') return i;
        if (doc[i] == '"' || doc[i] == '\'') {
            i = doc.find(doc[i], i + 1);
            if (i == npos) return npos;
        }
    }
    return npos;
}

// JSON: the index just past the string that opens at `at`.
// A quote ends the string unless an odd number of backslashes precede it;
// find() jumps to each quote (payload strings can be long).
std::size_t string_end(std::string_view doc, std::size_t at) {
    for (std::size_t i = doc.find('"', at + 1); i != npos; i = doc.find('"', i + 1)) {
        std::size_t backslashes = 0;
        while (i - backslashes > at + 1 && doc[i - backslashes - 1] == '\\') ++backslashes;
        if (backslashes % 2 == 0) return i + 1;
    }
    return npos;
}

std::size_t skip_space(std::string_view doc, std::size_t at) {
    while (at < doc.size() && is_space(doc[at])) ++at;
    return at;
}

// JSON: the index just past the value that starts at `at`.
std::size_t value_end(std::string_view doc, std::size_t at) {
    if (at >= doc.size()) return npos;
    if (doc[at] == '"') return string_end(doc, at);
    if (doc[at] != '{' && doc[at] != '[') {
        while (at < doc.size() && doc[at] != ',' && doc[at] != '}' && doc[at] != ']' && !is_space(doc[at])) ++at;
        return at;
    }
    int depth = 0;
    for (std::size_t i = at; i < doc.size(); ++i) {
        char c = doc[i];
        if (c == '"') {
            i = string_end(doc, i);
            if (i == npos) return npos;
            --i;
        } else if (c == '{' || c == '[') {
            ++depth;
        } else if ((c == '}' || c == ']') && --depth == 0) {
            return i + 1;
        }
    }
    return npos;
}

}  // namespace

std::optional<std::string> splice_xml_hop(std::string_view doc, const Hop& hop) {
    std::size_t pos = 0;
    if (doc.starts_with("\xEF\xBB\xBF")) pos = 3;
    else if (!doc.empty() && doc[0] != '<' && !is_space(doc[0])) return std::nullopt;  // UTF-16 or UTF-32
    if (doc.substr(pos).starts_with("<?xml") && pos + 5 < doc.size() && is_space(doc[pos + 5])) {
        std::size_t end = doc.find("?>", pos);
        if (end == npos || !declares_utf8(doc.substr(pos, end - pos))) return std::nullopt;
    }
    int depth = 0;       // of the element whose content `pos` is in; 1 = the envelope's
    bool in_hops = false;
    std::string root_prefix, hops_prefix;
    while ((pos = doc.find('<', pos)) != npos) {
        std::string_view rest = doc.substr(pos);
        auto skip_to = [&](std::string_view end) {
            std::size_t at = doc.find(end, pos);
            return at == npos ? npos : at + end.size();
        };
        if (rest.starts_with("<?")) {
            pos = skip_to("?>");
        } else if (rest.starts_with("<!--")) {
            pos = skip_to("-->");
        } else if (rest.starts_with("<![CDATA[")) {
            pos = skip_to("]]>");
        } else if (rest.starts_with("<!")) {
            return std::nullopt;  // a DOCTYPE: leave it to the parser
        } else if (rest.starts_with("</")) {
            if (depth == 1)  // the envelope ends with no hops and no payload
                return spliced(doc, pos, pos, hops_element(root_prefix, hop));
            if (depth == 2 && in_hops) return spliced(doc, pos, pos, hop_element(hops_prefix, hop));
            --depth;
            pos = doc.find('>', pos);
            if (pos != npos) ++pos;
        } else {
            std::size_t name_end = pos + 1;
            while (name_end < doc.size() && !is_space(doc[name_end]) && doc[name_end] != '/' && doc[name_end] != '>')
                ++name_end;
            const std::string_view qname = doc.substr(pos + 1, name_end - pos - 1);
            const std::size_t close = tag_end(doc, name_end);
            if (close == npos) return std::nullopt;
            const bool empty = doc[close - 1] == '/';
            const std::size_t colon = qname.find(':');
            const std::string prefix(colon == npos ? std::string_view() : qname.substr(0, colon));
            const std::string_view local = colon == npos ? qname : qname.substr(colon + 1);
            if (depth == 0) {
                if (empty) return std::nullopt;
                root_prefix = prefix;
            } else if (depth == 1 && local == "hops") {
                if (empty)  // <p:hops/> becomes <p:hops>hop</p:hops>
                    return spliced(doc, close - 1, close + 1,
                                   ">" + hop_element(prefix, hop) + "</" + std::string(qname) + ">");
                in_hops = true;
                hops_prefix = prefix;
            } else if (depth == 1 && local == "payload") {
                return spliced(doc, pos, pos, hops_element(root_prefix, hop));
            }
            if (!empty) ++depth;
            pos = close + 1;
        }
        if (pos == npos) return std::nullopt;
    }
    return std::nullopt;
}

std::optional<std::string> splice_json_hop(std::string_view doc, std::string_view hop_json) {
    std::size_t pos = skip_space(doc, 0);
    if (pos >= doc.size() || doc[pos] != '{') return std::nullopt;
    ++pos;
    for (;;) {
        pos = skip_space(doc, pos);
        if (pos >= doc.size() || doc[pos] != '"') return std::nullopt;
        const std::size_t key_end = string_end(doc, pos);
        if (key_end == npos) return std::nullopt;
        const std::string_view key = doc.substr(pos + 1, key_end - pos - 2);
        if (key.find('\\') != npos) return std::nullopt;  // an escaped name: leave it to the parser
        pos = skip_space(doc, key_end);
        if (pos >= doc.size() || doc[pos] != ':') return std::nullopt;
        pos = skip_space(doc, pos + 1);
        const std::size_t end = value_end(doc, pos);
        if (end == npos) return std::nullopt;
        if (key == "hops") {
            if (doc[pos] != '[') return std::nullopt;
            const bool none_yet = skip_space(doc, pos + 1) == end - 1;
            return spliced(doc, end - 1, end - 1, std::string(none_yet ? "" : ",") + std::string(hop_json));
        }
        pos = skip_space(doc, end);
        if (pos >= doc.size()) return std::nullopt;
        if (doc[pos] == '}') return spliced(doc, pos, pos, ",\"hops\":[" + std::string(hop_json) + "]");
        if (doc[pos] != ',') return std::nullopt;
        ++pos;
    }
}

}  // namespace govbus::codec

#include "bus/codec/xerces_runtime.hpp"

#include <cstdint>
#include <cstring>

#include <xercesc/dom/DOMNode.hpp>
#include <xercesc/util/PlatformUtils.hpp>

namespace govbus::codec {

using namespace xercesc;

namespace {
struct XercesProcess {
    XercesProcess() { XMLPlatformUtils::Initialize(); }
    ~XercesProcess() { XMLPlatformUtils::Terminate(); }
};
}  // namespace

void ensure_xerces() { static XercesProcess process; }

std::u16string to_xml(std::string_view s) {
    std::u16string out;
    out.reserve(s.size());
    std::size_t i = 0;
    while (i < s.size()) {
        auto c = static_cast<unsigned char>(s[i]);
        char32_t cp = 0xFFFD;
        std::size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
        if (len == 1) {
            cp = c;
        } else if (len > 1 && i + len <= s.size()) {
            cp = c & (0xFF >> (len + 1));
            for (std::size_t k = 1; k < len; ++k) {
                auto cc = static_cast<unsigned char>(s[i + k]);
                if ((cc & 0xC0) != 0x80) {
                    cp = 0xFFFD;
                    len = k;
                    break;
                }
                cp = (cp << 6) | (cc & 0x3F);
            }
        } else {
            len = 1;
        }
        i += len;
        if (cp >= 0x10000 && cp <= 0x10FFFF) {
            cp -= 0x10000;
            out.push_back(static_cast<char16_t>(0xD800 + (cp >> 10)));
            out.push_back(static_cast<char16_t>(0xDC00 + (cp & 0x3FF)));
        } else {
            out.push_back(cp > 0x10FFFF ? u'\xFFFD' : static_cast<char16_t>(cp));
        }
    }
    return out;
}

std::string to_utf8(const XMLCh* t) { return t ? to_utf8(std::u16string_view(t)) : std::string(); }

std::string to_utf8(std::u16string_view in) {
    std::string out;
    append_utf8(out, in);
    return out;
}

void append_utf8(std::string& out, std::u16string_view in) {
    const std::size_t start = out.size();
    const std::size_t n = in.size();
    // Names and most text are ASCII: one byte per unit, written as the units
    // are checked, eight at a time (two words tested at once: a loop that
    // stops at the first unit above 0x7F is not vectorized).
    out.resize(start + n);
    char* ascii_out = out.data() + start;
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        std::uint64_t w[2];
        std::memcpy(w, in.data() + i, sizeof w);
        if (((w[0] | w[1]) & 0xFF80FF80FF80FF80ULL) != 0) break;
        for (std::size_t k = 0; k < 8; ++k) ascii_out[i + k] = static_cast<char>(in[i + k]);
    }
    for (; i < n && in[i] < 0x80; ++i) ascii_out[i] = static_cast<char>(in[i]);
    if (i == n) return;
    // At most three bytes per UTF-16 unit (a surrogate pair is two units for
    // four bytes); written through a pointer and cut to size at the end.
    out.resize(start + i + (n - i) * 3);
    char* p = out.data() + start + i;
    for (; i < n; ++i) {
        char32_t cp = in[i];
        if (cp < 0x80) {
            *p++ = static_cast<char>(cp);
            continue;
        }
        if (cp >= 0xD800 && cp < 0xDC00 && i + 1 < in.size() && in[i + 1] >= 0xDC00 && in[i + 1] < 0xE000) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (in[i + 1] - 0xDC00);
            ++i;
        }
        if (cp < 0x800) {
            *p++ = static_cast<char>(0xC0 | (cp >> 6));
            *p++ = static_cast<char>(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            *p++ = static_cast<char>(0xE0 | (cp >> 12));
            *p++ = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            *p++ = static_cast<char>(0x80 | (cp & 0x3F));
        } else {
            *p++ = static_cast<char>(0xF0 | (cp >> 18));
            *p++ = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
            *p++ = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            *p++ = static_cast<char>(0x80 | (cp & 0x3F));
        }
    }
    out.resize(static_cast<std::size_t>(p - out.data()));
}

DOMElement* first_element(const DOMNode* parent) {
    for (DOMNode* n = parent ? parent->getFirstChild() : nullptr; n; n = n->getNextSibling())
        if (n->getNodeType() == DOMNode::ELEMENT_NODE) return static_cast<DOMElement*>(n);
    return nullptr;
}

DOMElement* next_element(const DOMNode* node) {
    for (DOMNode* n = node->getNextSibling(); n; n = n->getNextSibling())
        if (n->getNodeType() == DOMNode::ELEMENT_NODE) return static_cast<DOMElement*>(n);
    return nullptr;
}

DOMElement* child_named(const DOMNode* parent, std::u16string_view local_name) {
    for (DOMElement* e = first_element(parent); e; e = next_element(e)) {
        const XMLCh* name = e->getLocalName();
        if (name && local_name == std::u16string_view(name)) return e;
    }
    return nullptr;
}

std::string text_of(const DOMElement* element) {
    std::string out;
    for (DOMNode* n = element->getFirstChild(); n; n = n->getNextSibling()) {
        auto t = n->getNodeType();
        if (t != DOMNode::TEXT_NODE && t != DOMNode::CDATA_SECTION_NODE) continue;
        if (out.empty()) out = to_utf8(n->getNodeValue());  // the usual case: one text node, no copy
        else out += to_utf8(n->getNodeValue());
    }
    return out;
}

}  // namespace govbus::codec

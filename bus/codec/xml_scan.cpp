#include "bus/codec/xml_scan.hpp"

#include "bus/codec/text_position.hpp"

#include <algorithm>

namespace govbus::codec {

namespace {

constexpr std::size_t kMaxReportedProblems = 20;

// Where the first DOCTYPE would be: after the BOM, XML declaration, comments,
// processing instructions and white space of the prolog (XML 1.0 §2.8). The
// only place XML allows one, so finding none here means there is none.
std::size_t find_doctype(std::string_view s) {
    std::size_t i = s.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;
    while (i < s.size()) {
        char c = s[i];
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
            ++i;
        } else if (s.compare(i, 2, "<?") == 0) {
            auto end = s.find("?>", i + 2);
            if (end == std::string_view::npos) return std::string_view::npos;
            i = end + 2;
        } else if (s.compare(i, 4, "<!--") == 0) {
            auto end = s.find("-->", i + 4);
            if (end == std::string_view::npos) return std::string_view::npos;
            i = end + 3;
        } else {
            return s.compare(i, 9, "<!DOCTYPE") == 0 ? i : std::string_view::npos;
        }
    }
    return std::string_view::npos;
}

}  // namespace

bool refused_unread(std::string_view bytes, const XmlLimits& limits, Problems& problems) {
    if (bytes.size() > limits.max_bytes) {
        problems.push_back(make_problem("xml.too_large", "the message has " + std::to_string(bytes.size()) +
                                                             " bytes, more than the limit of " +
                                                             std::to_string(limits.max_bytes) +
                                                             "; send large files by reference (name + digest)"));
        return true;
    }
    if (auto at = find_doctype(bytes); at != std::string_view::npos) {
        auto [line, column] = line_column(bytes, at);
        problems.push_back(make_problem("xml.doctype",
                                        "the message has a DOCTYPE; govbus messages must not declare a DTD or "
                                        "entities: remove it",
                                        {}, line, column));
        return true;
    }
    return false;
}

void ScanFindings::clear() {
    path_.clear();
    problems_.clear();
    stopped_ = false;
    fatal_ = false;
}

std::string ScanFindings::xpath() const {
    std::string p;
    for (const auto& n : path_) p += "/" + n;
    return p;
}

bool ScanFindings::start_element(std::string qualified_name, std::size_t attributes, int line, int column) {
    path_.push_back(std::move(qualified_name));
    if (stopped_) return false;
    if (static_cast<int>(path_.size()) > limits_.max_depth) {
        stop(make_problem("xml.too_deep",
                          "elements are nested more than " + std::to_string(limits_.max_depth) +
                              " deep; govbus messages are far shallower, so flatten the payload",
                          xpath(), line, column));
        return false;
    }
    if (attributes > static_cast<std::size_t>(limits_.max_attributes)) {
        stop(make_problem("xml.too_many_attributes",
                          "an element has " + std::to_string(attributes) + " attributes, at most " +
                              std::to_string(limits_.max_attributes) + " are accepted",
                          xpath(), line, column));
        return false;
    }
    return true;
}

void ScanFindings::end_element() {
    if (!path_.empty()) path_.pop_back();
}

void ScanFindings::report(bool fatal, const std::string& what, int line, int column) {
    // After a cap stopped the scan, what Xerces still reports is its echo.
    if (stopped_ || problems_.size() >= kMaxReportedProblems) return;
    if (fatal) {
        fatal_ = true;
        if (what.find("DOCTYPE") != std::string::npos || what.find("DTD") != std::string::npos)
            problems_.push_back(make_problem("xml.doctype", "the message has a DOCTYPE (" + what +
                                                                "); govbus messages must not declare a DTD or entities",
                                             {}, line, column));
        else
            problems_.push_back(make_problem("xml.malformed",
                                             "the message is not well-formed XML: " + what +
                                                 "; fix the markup at this position",
                                             xpath(), line, column));
        return;
    }
    problems_.push_back(make_problem("schema.invalid",
                                     "the message does not match its schema: " + what +
                                         "; see docs/integrator.md for the field",
                                     xpath(), line, column));
}

void ScanFindings::stop(Problem p) {
    stopped_ = true;
    fatal_ = true;
    // The scanner validates a start tag's attributes before handing the
    // element over, so the cap's own findings at this tag are already in.
    std::erase_if(problems_, [&](const Problem& q) {
        return q.code == "schema.invalid" && q.line == p.line && q.column == p.column;
    });
    problems_.insert(problems_.begin(), std::move(p));
}

}  // namespace govbus::codec

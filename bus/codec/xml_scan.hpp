// What both XML readers of the codec (the DOM one, xml_reader.hpp, and the
// tree one, xml_tree.hpp) do alike while Xerces scans a message: refuse what
// must not be parsed at all, keep the element path for XPaths, enforce the
// depth and attribute caps, and turn Xerces' reports into problems.
#pragma once

#include "bus/codec/xml_reader.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace govbus::codec {

// True (with the problem in `problems`) when `bytes` must not be parsed: over
// the size limit, or with a DOCTYPE in the prolog, the only place XML allows one.
bool refused_unread(std::string_view bytes, const XmlLimits& limits, Problems& problems);

class ScanFindings {
public:
    explicit ScanFindings(const XmlLimits& limits) : limits_(limits) {}

    // Ready for the next message.
    void clear();

    // An element starts (its name as written, "env:header") at line:column:
    // checks the caps; false when one was broken and the scan must stop.
    bool start_element(std::string qualified_name, std::size_t attributes, int line, int column);
    void end_element();

    // A report from Xerces: `fatal` for well-formedness, else a validity error.
    void report(bool fatal, const std::string& text, int line, int column);

    bool stopped() const { return stopped_; }
    bool fatal() const { return fatal_; }
    Problems take_problems() { return std::move(problems_); }
    std::string xpath() const;

private:
    void stop(Problem p);

    XmlLimits limits_;
    std::vector<std::string> path_;
    Problems problems_;
    bool stopped_ = false;
    bool fatal_ = false;
};

}  // namespace govbus::codec

#include "bus/router/route_decision.hpp"

namespace govbus::router {

bool RouteDecision::fan_out() const {
    int endpoints = 0;
    for (const auto& d : destinations) endpoints += d.rfind("endpoint:", 0) == 0;
    return endpoints > 1;
}

std::string to_text(const RouteDecision& d) {
    std::string s = d.rule == kCasePathRule || d.rule == kDefaultRule ? d.rule : "rule '" + d.rule + "'";
    s += " -> ";
    if (d.return_up) return s + "return_up (back along the case path)";
    if (d.dead_letter) return s + "dead letter (" + d.dead_letter_reason + ")";
    for (std::size_t i = 0; i < d.destinations.size(); ++i) s += (i ? ", " : "") + d.destinations[i];
    if (d.fan_out()) s += " (fan-out)";
    return s;
}

std::string to_text(const Explanation& x) {
    std::string s = "table " + x.table + "\n";
    for (const auto& v : x.verdicts) {
        s += "  rule '" + v.rule + "' (line " + std::to_string(v.line) + "): ";
        if (v.matched) {
            s += "matched\n";
            continue;
        }
        s += "no match\n";
        for (const auto& f : v.failures)
            s += "      " + f.condition + ": expected " + f.expected + ", actual " + f.actual + "\n";
    }
    if (!x.note.empty()) s += "  " + x.note + "\n";
    if (x.outcome.ok())
        s += "decision: " + to_text(x.outcome.value()) + "\n";
    else
        for (const auto& p : x.outcome.problems()) s += "refused: " + p.code + ": " + p.message + "\n";
    return s;
}

}  // namespace govbus::router

#include "bus/codec/header_rules.hpp"

namespace govbus::codec {

namespace {

void collect(const SchemaNode& node, std::vector<std::string>& path, std::vector<EnvelopeField>& out, int depth) {
    if (!node.known() || depth > 8) return;
    switch (node.shape()) {
        case Shape::object:
            for (const auto& name : node.property_names()) {
                if (depth == 0 && name == "payload") continue;  // checked against the payload's own schema
                path.push_back(name);
                collect(node.member(name), path, out, depth + 1);
                path.pop_back();
            }
            break;
        case Shape::array:
            path.push_back("*");
            collect(node.items(), path, out, depth + 1);
            path.pop_back();
            break;
        default: {
            const auto pattern = node.pattern();
            const auto rule = node.rule();
            if (pattern.empty() && rule.empty()) break;
            out.push_back({path, node.compiled_pattern(), std::string(rule)});
            break;
        }
    }
}

}  // namespace

std::vector<EnvelopeField> envelope_fields(const SchemaNode& envelope) {
    std::vector<EnvelopeField> out;
    std::vector<std::string> path;
    collect(envelope, path, out, 0);
    return out;
}

}  // namespace govbus::codec

#include "bus/router/table_checker.hpp"

#include <set>

namespace govbus::router {

void TableChecker::add(std::string code, int line, int column, const std::string& path, const std::string& message,
                       bool warning) {
    Problem p = make_problem(std::move(code), {}, path, line, column);
    p.warning = warning;
    p.message = file_ + ":" + std::to_string(line) + ":" + std::to_string(column) + ": ";
    if (warning) p.message += "warning: ";
    if (!rule_.empty()) p.message += "rule '" + rule_ + "': ";
    if (!path.empty()) p.message += path + ": ";
    p.message += message;
    if (!warning) ++errors_;
    problems_.push_back(std::move(p));
}

void TableChecker::error(std::string code, const YAML::Node& at, const std::string& path,
                         const std::string& message) {
    add(std::move(code), at.Mark().line + 1, at.Mark().column + 1, path, message, false);
}

void TableChecker::warning(std::string code, const YAML::Node& at, const std::string& path,
                           const std::string& message) {
    add(std::move(code), at.Mark().line + 1, at.Mark().column + 1, path, message, true);
}

bool TableChecker::mapping(const YAML::Node& node, const std::string& path,
                           std::initializer_list<std::string_view> keys) {
    if (!node.IsMap()) {
        error("route.table.value", node, path, "expected a mapping");
        return false;
    }
    std::set<std::string> seen;
    for (const auto& kv : node) {
        if (!kv.first.IsScalar()) {
            error("route.table.key_unknown", kv.first, path, "expected a plain key");
            continue;
        }
        const std::string key = kv.first.Scalar();
        const std::string where = path.empty() ? key : path + "." + key;
        bool known = false;
        for (auto k : keys) known = known || k == key;
        if (!known) {
            std::string list;
            for (auto k : keys) list += (list.empty() ? "" : ", ") + std::string(k);
            error("route.table.key_unknown", kv.first, where, "unknown key '" + key + "' (expected one of: " + list + ")");
        } else if (!seen.insert(key).second) {
            error("route.table.key_repeated", kv.first, where, "key '" + key + "' is given twice");
        }
    }
    return true;
}

std::optional<std::string> TableChecker::scalar(const YAML::Node& node, const std::string& path,
                                                const std::string& what) {
    if (!node.IsScalar() || node.Scalar().empty()) {
        error("route.table.value", node, path, "expected " + what);
        return std::nullopt;
    }
    return node.Scalar();
}

std::optional<bool> TableChecker::boolean(const YAML::Node& node, const std::string& path) {
    if (node.IsScalar() && (node.Scalar() == "true" || node.Scalar() == "false")) return node.Scalar() == "true";
    error("route.table.value", node, path, "expected true or false");
    return std::nullopt;
}

std::vector<std::pair<std::string, YAML::Node>> TableChecker::scalars(const YAML::Node& node,
                                                                      const std::string& path,
                                                                      const std::string& what) {
    std::vector<std::pair<std::string, YAML::Node>> out;
    if (node.IsSequence()) {
        if (node.size() == 0) error("route.table.value", node, path, "expected " + what + " or a non-empty list of them");
        for (std::size_t i = 0; i < node.size(); ++i) {
            auto v = scalar(node[i], path + "[" + std::to_string(i) + "]", what);
            if (v) out.emplace_back(*v, node[i]);
        }
        return out;
    }
    if (node.IsScalar() && !node.Scalar().empty()) {
        out.emplace_back(node.Scalar(), node);
        return out;
    }
    error("route.table.value", node, path, "expected " + what + " or a list of them");
    return out;
}

}  // namespace govbus::router

#include "bus/node/config_reader.hpp"

namespace govbus {

YAML::Node ConfigReader::load() {
    try {
        return YAML::LoadFile(file_);
    } catch (const YAML::BadFile&) {
        problems_.push_back(make_problem("config.unreadable", file_ + ": cannot open the file"));
    } catch (const YAML::Exception& e) {
        problems_.push_back(make_problem("config.syntax", file_ + ": YAML syntax error: " + e.msg, "",
                                         e.mark.line + 1, e.mark.column + 1));
    }
    return YAML::Node();
}

void ConfigReader::error(const YAML::Node& at, const std::string& path, const std::string& message) {
    int line = 0, column = 0;
    if (at.IsDefined() && at.Mark().line >= 0) {
        line = at.Mark().line + 1;
        column = at.Mark().column + 1;
    }
    Problem p = make_problem("config.invalid", message, path, line, column);
    p.message = file_ + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + path + ": " + message;
    problems_.push_back(std::move(p));
}

bool ConfigReader::expect_map(const YAML::Node& node, const std::string& path,
                              std::initializer_list<std::string_view> keys) {
    if (!node.IsMap()) {
        error(node, path, "expected a mapping");
        return false;
    }
    for (const auto& kv : node) {
        auto key = kv.first.as<std::string>();
        bool known = false;
        for (auto k : keys) known = known || k == key;
        if (!known) {
            std::string list;
            for (auto k : keys) list += (list.empty() ? "" : ", ") + std::string(k);
            error(kv.first, path + "/" + key, "unknown key '" + key + "' (expected one of: " + list + ")");
        }
    }
    return true;
}

std::optional<std::string> ConfigReader::text(const YAML::Node& map, const std::string& key, const std::string& path,
                                              bool required) {
    auto v = map[key];
    if (!v.IsDefined() || v.IsNull()) {
        if (required) error(map, path + "/" + key, "required key '" + key + "' is missing");
        return std::nullopt;
    }
    if (!v.IsScalar()) {
        error(v, path + "/" + key, "expected a single value");
        return std::nullopt;
    }
    return v.as<std::string>();
}

std::string ConfigReader::text_or(const YAML::Node& map, const std::string& key, const std::string& path,
                                  std::string fallback) {
    auto v = text(map, key, path, false);
    return v ? *v : std::move(fallback);
}

long long ConfigReader::integer_or(const YAML::Node& map, const std::string& key, const std::string& path,
                                   long long fallback, long long min, long long max) {
    auto v = map[key];
    if (!v.IsDefined() || v.IsNull()) return fallback;
    try {
        auto n = v.as<long long>();
        if (n < min || n > max) {
            error(v, path + "/" + key,
                  "expected a whole number from " + std::to_string(min) + " to " + std::to_string(max));
            return fallback;
        }
        return n;
    } catch (const YAML::Exception&) {
        error(v, path + "/" + key, "expected a whole number");
        return fallback;
    }
}

bool ConfigReader::boolean_or(const YAML::Node& map, const std::string& key, const std::string& path,
                              bool fallback) {
    auto v = map[key];
    if (!v.IsDefined() || v.IsNull()) return fallback;
    try {
        return v.as<bool>();
    } catch (const YAML::Exception&) {
        error(v, path + "/" + key, "expected true or false");
        return fallback;
    }
}

std::vector<std::string> ConfigReader::texts(const YAML::Node& map, const std::string& key,
                                             const std::string& path) {
    std::vector<std::string> out;
    auto v = map[key];
    if (!v.IsDefined() || v.IsNull()) return out;
    if (!v.IsSequence()) {
        error(v, path + "/" + key, "expected a list");
        return out;
    }
    for (std::size_t i = 0; i < v.size(); ++i) {
        if (!v[i].IsScalar()) {
            error(v[i], path + "/" + key + "/" + std::to_string(i), "expected a single value");
            continue;
        }
        out.push_back(v[i].as<std::string>());
    }
    return out;
}

std::string describe_config_problem(const Problem& p) { return p.message; }

}  // namespace govbus

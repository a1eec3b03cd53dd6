// govbus route check|explain: checks route tables (routes/*.yaml) and shows
// how a node's table decides one message, rule by rule (docs/routing.md).
#include "bus/codec/codec.hpp"
#include "bus/core/envelope.hpp"
#include "bus/core/file_text.hpp"
#include "bus/node/node_config.hpp"
#include "bus/router/route_table.hpp"
#include "tools/govbus/command.hpp"

#include <boost/json/parse.hpp>

#include <iostream>

namespace govbus::cli {

namespace {

const char* kCheckUsage =
    "usage: govbus route check FILE...\n"
    "Checks each route table and prints every problem as file:line:column. Exit 0 when all tables load\n"
    "(warnings allowed), 1 otherwise.\n";

const char* kExplainUsage =
    "usage: govbus route explain [--table FILE] (--node-config NODE.yaml |\n"
    "                            --region CODE [--node ID] [--level LEVEL] [--parent ID] [--child ID=REGION]...)\n"
    "                            MESSAGE\n"
    "Shows, for the envelope in MESSAGE (XML or JSON), why each rule before the match did not match,\n"
    "the matched rule and the destinations. With --node-config, the table and the topology come from the\n"
    "node configuration; --table overrides its table. A message the node would refuse at intake is\n"
    "reported, and (JSON only) still explained from its header. Exit 0 when the message is valid and the\n"
    "table decides, 1 otherwise.\n";

int run_check(const std::vector<std::string>& args) {
    if (args.empty() || args[0] == "--help" || args[0] == "-h") {
        (args.empty() ? std::cerr : std::cout) << kCheckUsage;
        return args.empty() ? 2 : 0;
    }
    bool all_ok = true;
    for (const auto& file : args) {
        auto table = router::RouteTable::load(file);
        int errors = 0, warnings = 0;
        for (const auto& p : table.problems()) {
            std::cout << p.message << "\n";
            (p.warning ? warnings : errors)++;
        }
        if (table.ok()) {
            std::cout << file << ": OK (" << table->rules().size() << (table->rules().size() == 1 ? " rule" : " rules")
                      << (warnings ? ", " + std::to_string(warnings) + (warnings == 1 ? " warning" : " warnings") : std::string()) << ")\n";
        } else {
            all_ok = false;
            std::cout << file << ": " << errors << (errors == 1 ? " error" : " errors")
                      << (warnings ? ", " + std::to_string(warnings) + (warnings == 1 ? " warning" : " warnings") : std::string()) << "\n";
        }
    }
    return all_ok ? 0 : 1;
}

// --- the envelope of MESSAGE ---------------------------------------------------
std::string text_at(const boost::json::object& o, const char* key) {
    auto it = o.find(key);
    if (it == o.end() || !it->value().is_string()) return {};
    return std::string(it->value().get_string());
}

// The routing fields of a JSON envelope (schemas/envelope/1.0/envelope.schema.json)
// read without validation, so a message the codec refuses can still be explained.
Result<Envelope> read_header_fields(const std::string& bytes, const std::string& path) {
    if (codec::detect_encoding(bytes) != codec::Encoding::json)
        return make_problem("message.encoding", path + ": only a JSON envelope can be explained without validation");
    boost::system::error_code ec;
    auto doc = boost::json::parse(bytes, ec);
    if (ec || !doc.is_object())
        return make_problem("message.syntax", path + ": expected a JSON envelope object");
    const auto& root = doc.get_object();
    auto header_it = root.find("header");
    if (header_it == root.end() || !header_it->value().is_object())
        return make_problem("message.syntax", path + ": the envelope has no \"header\" object", "/header");
    const auto& h = header_it->value().get_object();
    Envelope e;
    e.id = text_at(h, "id");
    e.case_number = text_at(h, "caseNumber");
    e.type = text_at(h, "type");
    e.source = text_at(h, "source");
    e.region = text_at(h, "region");
    e.item_code = text_at(h, "itemCode");
    if (auto d = h.find("destination"); d != h.end() && d->value().is_object()) {
        const auto& dest = d->value().get_object();
        e.destination = {text_at(dest, "endpoint"), text_at(dest, "region"), text_at(dest, "department")};
    }
    if (auto s = root.find("security"); s != root.end() && s->value().is_object())
        e.security.encrypted = text_at(s->value().get_object(), "encrypted");
    if (auto p = root.find("payload"); p != root.end()) e.payload = p->value();
    if (e.type.empty()) return make_problem("message.syntax", path + ": the header has no \"type\"", "/header/type");
    return e;
}

// Decodes MESSAGE as the node would (bus/codec). `valid` tells whether the
// node would accept it; when not, the problems are printed and the header is
// read without validation.
Result<Envelope> read_envelope(const std::string& path, bool& valid) {
    valid = false;
    auto file = read_whole_file(path);
    if (!file) return make_problem("message.unreadable", path + ": cannot read the message file");
    const std::string& bytes = *file;
    try {
        codec::Codec codec;
        auto decoded = codec.decode(bytes);
        if (decoded) {
            valid = true;
            return decoded;
        }
        std::cout << "the node would refuse this message at intake:\n";
        for (const auto& p : decoded.problems()) std::cout << "  " << p.to_string() << "\n";
    } catch (const std::exception& e) {
        std::cout << "cannot validate the message (" << e.what() << ")\n";
    }
    return read_header_fields(bytes, path);
}

// --- the topology -------------------------------------------------------------
struct ExplainArgs {
    std::string table;
    std::string message;
    router::Topology topology;
    bool have_config = false;
};

bool fail(const std::string& why) {
    std::cerr << "govbus route explain: " << why << "\n" << kExplainUsage;
    return false;
}

bool apply_node_config(const std::string& file, ExplainArgs& out) {
    auto config = load_node_config(file);
    if (!config) {
        for (const auto& p : config.problems()) std::cerr << p.message << "\n";
        return false;
    }
    out.have_config = true;
    auto& t = out.topology;
    t.node = config->id;
    t.level = router::parse_level(to_string(config->level)).value_or(router::Level::city);
    t.region = config->region;
    t.parent = config->parent.id;
    t.children.clear();
    for (const auto& c : config->children) t.children.push_back({c.id, c.region});
    if (out.table.empty()) out.table = config->routes;
    return true;
}

bool parse_explain(const std::vector<std::string>& args, ExplainArgs& out) {
    std::string table_flag;
    bool topology_flags = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        bool has_value = i + 1 < args.size();
        if (a == "--table" && has_value) {
            table_flag = args[++i];
        } else if (a == "--node-config" && has_value) {
            if (!apply_node_config(args[++i], out)) return false;
        } else if (a == "--region" && has_value) {
            out.topology.region = args[++i];
            topology_flags = true;
        } else if (a == "--node" && has_value) {
            out.topology.node = args[++i];
            topology_flags = true;
        } else if (a == "--parent" && has_value) {
            out.topology.parent = args[++i];
            topology_flags = true;
        } else if (a == "--level" && has_value) {
            auto level = router::parse_level(args[++i]);
            if (!level) return fail("--level takes national, province, city or county");
            out.topology.level = *level;
            topology_flags = true;
        } else if (a == "--child" && has_value) {
            const std::string& spec = args[++i];
            auto eq = spec.find('=');
            if (eq == std::string::npos || eq == 0 || eq + 1 == spec.size())
                return fail("--child takes ID=REGION, e.g. --child city-510100=510100");
            out.topology.children.push_back({spec.substr(0, eq), spec.substr(eq + 1)});
            topology_flags = true;
        } else if (!a.empty() && a[0] == '-') {
            return fail("unknown option '" + a + "'" + (has_value ? "" : " (or its value is missing)"));
        } else if (out.message.empty()) {
            out.message = a;
        } else {
            return fail("one MESSAGE file only");
        }
    }
    if (!table_flag.empty()) out.table = table_flag;
    if (out.have_config && topology_flags) return fail("give --node-config or topology flags, not both");
    if (!out.have_config && out.topology.region.empty()) return fail("give --node-config or --region");
    if (out.table.empty()) return fail("give --table (or --node-config with a `routes` key)");
    if (out.message.empty()) return fail("give the MESSAGE file");
    if (out.topology.node.empty()) out.topology.node = "(this node)";
    return true;
}

std::string describe(const router::Topology& t) {
    std::string s = t.node + " (" + router::to_string(t.level) + ", region " + t.region + ")";
    s += ", parent " + (t.parent.empty() ? std::string("none") : t.parent) + ", children ";
    if (t.children.empty()) return s + "none";
    for (std::size_t i = 0; i < t.children.size(); ++i)
        s += (i ? ", " : "") + t.children[i].id + "=" + t.children[i].region;
    return s;
}

std::string describe(const Envelope& e) {
    auto or_empty = [](const std::string& v) { return v.empty() ? std::string("-") : v; };
    return "type " + e.type + ", source " + or_empty(e.source) + ", region " + or_empty(e.region) +
           ", destination " + or_empty(e.destination.endpoint) + "/" + or_empty(e.destination.region) + "/" +
           or_empty(e.destination.department) + ", item " + or_empty(e.item_code);
}

int run_explain(const std::vector<std::string>& args) {
    if (!args.empty() && (args[0] == "--help" || args[0] == "-h")) {
        std::cout << kExplainUsage;
        return 0;
    }
    ExplainArgs a;
    if (!parse_explain(args, a)) return 2;
    auto table = router::RouteTable::load(a.table);
    if (!table) {
        for (const auto& p : table.problems()) std::cerr << p.message << "\n";
        std::cerr << "govbus route explain: the table does not load; `govbus route check " << a.table
                  << "` lists its problems\n";
        return 1;
    }
    bool valid = false;
    auto envelope = read_envelope(a.message, valid);
    if (!envelope) {
        for (const auto& p : envelope.problems()) std::cerr << "govbus route explain: " << p.message << "\n";
        return 1;
    }
    std::cout << "node    " << describe(a.topology) << "\n";
    std::cout << "message " << describe(envelope.value()) << "\n";
    auto x = table->explain(envelope.value(), a.topology);
    std::cout << router::to_text(x);
    return valid && x.outcome.ok() ? 0 : 1;
}

const bool registered_check =
    register_command({"route check", "check route tables (routes/*.yaml), every problem with file:line", run_check});
const bool registered_explain = register_command(
    {"route explain", "show how a route table decides one message, rule by rule", run_explain});

}  // namespace

}  // namespace govbus::cli

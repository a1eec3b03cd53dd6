// govbus audit verify: checks an exchange log's (or a monthly archive's) hash
// chain and checkpoint signatures; names the first broken record. Exit 0 when
// intact, 1 on any break, 2 on a usage error, 3 when the file cannot be read.
#include "audit/auditor_options.hpp"
#include "audit/chain_verifier.hpp"
#include "audit/checkpoint.hpp"
#include "audit/terminal_progress.hpp"
#include "tools/govbus/command.hpp"

#include <fstream>
#include <iostream>
#include <sstream>

namespace govbus::cli {

namespace {

const char* kUsage =
    "usage: govbus audit verify --log FILE [--cert NODE.crt]\n"
    "       govbus audit verify --archive FILE [--cert NODE.crt]\n"
    "Checks every record's chain hash and every checkpoint's signature. With --cert the\n"
    "signatures are checked against the node certificate you hold, else against the one\n"
    "stored in the file. Exit 0: intact; 1: broken; 2: usage; 3: unreadable.\n";

int run_verify(const std::vector<std::string>& args) {
    auto o = audit::parse_auditor_options(args, {"--log", "--archive", "--cert"});
    if (o.has("--help") || o.has("-h")) {
        std::cout << kUsage;
        return 0;
    }
    auto log = o.get("--log"), archive = o.get("--archive");
    if (!o.error.empty() || !o.positional.empty() || (log.has_value() == archive.has_value())) {
        std::cerr << "govbus audit verify: " << (o.error.empty() ? "give exactly one of --log or --archive" : o.error)
                  << "\n" << kUsage;
        return 2;
    }
    audit::VerifyOptions vo;
    if (auto cert = o.get("--cert")) {
        auto c = audit::NodeCertificate::load(*cert);
        if (!c) {
            std::cerr << "govbus audit verify: " << c.problem().message << "\n";
            return 3;
        }
        vo.certificate_pem = c->pem();
    }
    audit::TerminalProgress progress("verify");
    vo.progress = [&](std::int64_t d, std::int64_t t) { progress(d, t); };
    const std::string path = log ? *log : *archive;
    auto rep = audit::verify_log(path, vo);
    progress(0, 0);
    if (!rep) {
        std::cerr << "govbus audit verify: " << rep.problem().message << "\n";
        return 3;
    }
    if (archive && !rep->archive) {
        std::cerr << "govbus audit verify: '" << path << "' is a live log, not an archive; use --log\n";
        return 2;
    }
    std::cout << (rep->archive ? "archive " + rep->month + " " : std::string("exchange log ")) << path << " (node "
              << rep->node_id << ")\n";
    std::cout << "records:     " << rep->records;
    if (rep->records) std::cout << " (seq " << rep->first_seq << ".." << rep->last_seq << ")";
    std::cout << ", chain from " << (rep->anchor_seq ? "signed anchor at seq " + std::to_string(rep->anchor_seq) : "genesis")
              << "\n";
    std::cout << "checkpoints: " << rep->checkpoints << ", " << rep->checkpoints_valid
              << " with valid signatures, last valid covers seq " << rep->last_checkpoint_seq << "\n";
    std::cout << "certificate: " << rep->certificate << "\n";
    for (const auto& n : rep->notes) std::cout << "note:        " << n << "\n";
    if (rep->ok()) {
        std::cout << "result:      INTACT\n";
        return 0;
    }
    const auto& first = rep->breaks.front();
    std::cout << "result:      BROKEN\n";
    std::cout << "first break: " << audit::to_string(first.kind) << " at seq " << first.seq << ": " << first.message << "\n";
    for (std::size_t i = 1; i < rep->breaks.size(); ++i)
        std::cout << "also:        " << audit::to_string(rep->breaks[i].kind) << " at seq " << rep->breaks[i].seq << ": "
                  << rep->breaks[i].message << "\n";
    return 1;
}

const bool registered = register_command({"audit verify", "check an exchange log's or archive's chain and signatures", run_verify});

}  // namespace
}  // namespace govbus::cli

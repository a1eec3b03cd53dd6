// What a TLS listener trusts: the CA certificates of `tls.ca` and, when
// `tls.crl` names revocation lists, those CRLs, so that a client presenting
// a revoked certificate is refused in the handshake (DESIGN.md "Security":
// revocation is checked before anything is accepted).
//
// Both TLS stacks the node uses load their trust from one PEM path: Proton
// (AMQP) takes nothing else, and Asio (HTTPS) is given the same. file() is
// that path: the CA file itself when no CRL is configured, otherwise an
// in-memory file (memfd) holding the CA certificates followed by the CRLs,
// rebuilt when a CRL file changes, so a CRL published while the node runs
// applies to the next connection.
//
// OpenSSL checks CRLs only when a verification asks it to, and Proton gives
// no access to its contexts; enable_client_crl_checks() therefore sets the
// check on OpenSSL's process-wide "ssl_client" verification parameters, the
// ones every TLS server in the process uses to verify client certificates.
// Servers' certificates (this node dialling a peer) are not CRL-checked: the
// peer checks this node's certificate, and every message is signed and its
// signer checked against the CRLs.
#pragma once

#include "bus/core/problem.hpp"

#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace govbus::security {

class TlsTrust {
public:
    // Reads `ca` and the `crls`. Refuses a CRL file without a CRL, a CRL no CA
    // of `ca` signed, and a CA of `ca` without a CRL (its clients could not
    // connect at all); `where` ("/adapters/amqp/tls") names the block in the
    // problem. With CRLs, switches client-certificate CRL checks on for the
    // process; it refuses a listener without CRLs once another has them, and
    // the other way round, since the switch is the process's.
    static Result<std::shared_ptr<TlsTrust>> open(const std::string& ca, const std::vector<std::string>& crls,
                                                  const std::string& where);
    ~TlsTrust();
    TlsTrust(const TlsTrust&) = delete;
    TlsTrust& operator=(const TlsTrust&) = delete;

    // The PEM path to hand to the TLS library now. When a CRL file changed
    // since the last call, the file is rebuilt first; a changed file that no
    // longer reads or checks leaves the last good one in place and is logged.
    std::string file();
    // How many times the trust was rebuilt after open() (1 after one change).
    int generation() const;

private:
    TlsTrust(std::string ca, std::vector<std::string> crls, std::string where);
    Status rebuild();
    std::filesystem::file_time_type newest_input() const;

    std::string ca_;
    std::vector<std::string> crls_;
    std::string where_;
    mutable std::mutex mutex_;
    std::filesystem::file_time_type built_from_{};
    int current_fd_ = -1, previous_fd_ = -1;
    int generation_ = -1;
};

}  // namespace govbus::security

#include "adapters/amqp/peer_identity.hpp"

namespace govbus::amqp {

std::string identity_from_subject(const std::string& subject) {
    if (subject.empty() || subject == "anonymous") return {};
    // RFC 2253 §2.4 escapes separators with a backslash; ids never contain
    // ',', '+' or '/', so an escaped separator ends the value as well.
    for (std::size_t at = subject.find("CN="); at != std::string::npos; at = subject.find("CN=", at + 3)) {
        bool starts_rdn = at == 0 || subject[at - 1] == ',' || subject[at - 1] == '/' || subject[at - 1] == ' ' ||
                          subject[at - 1] == '+';
        if (!starts_rdn) continue;
        auto begin = at + 3;
        auto end = subject.find_first_of(",/+", begin);
        auto value = subject.substr(begin, end == std::string::npos ? std::string::npos : end - begin);
        while (!value.empty() && (value.back() == ' ' || value.back() == '\\')) value.pop_back();
        return value;
    }
    return subject;
}

}  // namespace govbus::amqp

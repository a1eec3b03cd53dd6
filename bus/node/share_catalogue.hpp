// The share catalogue (共享目录): which data resources a node's sources
// share, and with whom. Checked on every data.query before it is routed
// (DESIGN.md "Security"; docs/operator.md "Share catalogue").
#pragma once

#include "bus/core/envelope.hpp"
#include "bus/core/problem.hpp"

#include <map>
#include <set>
#include <string>

namespace govbus {

enum class Sharing {
    unconditional,  // 无条件共享: any registered requester
    conditional,    // 有条件共享: only requesters holding a grant
    none,           // 不予共享: nobody
};

struct ShareResource {
    std::string code;     // the dataset code a data.query names, e.g. "population"
    std::string name;     // what it is, for people
    Sharing sharing = Sharing::conditional;
    std::set<std::string> grants;  // endpoint ids allowed when conditional
    int line = 0;
};

class ShareCatalogue {
public:
    // A YAML file: `resources: [{code, name, sharing, grants: [...]}]`.
    // Problems name file:line and the key.
    static Result<ShareCatalogue> load(const std::string& file);

    // For a data.query: the dataset must be in the catalogue, shared, and,
    // when conditional, granted to the query's source. Reason codes:
    // acl.unknown_resource, acl.not_shared, acl.no_grant.
    Status authorize(const Envelope& query) const;

    const std::map<std::string, ShareResource>& resources() const { return resources_; }

private:
    std::map<std::string, ShareResource> resources_;
};

// May `source` address `destination`? An endpoint's `may_address` list holds
// "*" (anyone), endpoint ids, or "REGION/DEPARTMENT" where REGION may end in
// "*" (a prefix: "51*" is all of Sichuan) and DEPARTMENT may be "*". An empty
// list allows anything. Reason code: acl.destination.
Status check_may_address(const std::vector<std::string>& may_address, const std::string& source,
                         const Destination& destination);

}  // namespace govbus

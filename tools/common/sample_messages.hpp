// Sample messages for the demo, the department simulator, the load generator
// and tests: well-formed envelopes with values that pass the data rules
// (docs/data-rules.md).
#pragma once

#include "bus/core/envelope.hpp"

#include <string>

namespace govbus::tools {

struct CaseRequest {
    std::string source = "sc.portal";  // sending endpoint
    std::string region = "510104";     // where the applicant lives (GB/T 2260)
    std::string department = "market";
    int sequence = 1;                  // makes the case number unique per day
    std::string issuing_region = "510000";
    std::size_t form_padding = 0;      // extra form bytes, to reach a payload size
};

Envelope make_case_apply(const CaseRequest& request);

// The department's answers to a case.apply it received, sent by `department_endpoint`.
Envelope make_case_accept(const Envelope& apply, const std::string& department_endpoint);
Envelope make_case_process(const Envelope& apply, const std::string& department_endpoint);
Envelope make_case_result(const Envelope& apply, const std::string& department_endpoint);

// An exact query of a national base library (dataset "population" or "legal-person").
Envelope make_data_query(const std::string& source, const std::string& region, const std::string& department,
                         const std::string& key);
// The data source's reply to a query it received.
Envelope make_data_reply(const Envelope& query, const std::string& source_endpoint);

}  // namespace govbus::tools

namespace govbus::codec {
class Codec;
}

namespace govbus::tools {
// Encodes in the envelope's own content type (XML for "application/xml", else JSON).
std::string encode(const codec::Codec& codec, const Envelope& envelope);
}  // namespace govbus::tools

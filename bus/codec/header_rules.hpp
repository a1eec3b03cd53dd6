// The data rules on envelope header fields, the same for both encodings:
// region, destination region (region-code), caseNumber (case-number), itemCode
// (item-code), created and expires (date-time). Fields are JSON Pointers
// ("/header/region"); the XML codec turns them into XPaths.
#pragma once

#include "bus/core/envelope.hpp"
#include "bus/core/problem.hpp"

namespace govbus::codec {

Problems check_header_rules(const Envelope& envelope);

}  // namespace govbus::codec

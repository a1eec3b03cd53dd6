// Message ids: random (version 4) UUIDs, RFC 4122 §4.4.
#pragma once

#include <string>

namespace govbus {

// A new random UUID in lower-case 8-4-4-4-12 form, from OpenSSL's CSPRNG.
std::string new_uuid();

// True for the lower- or upper-case 8-4-4-4-12 hex form.
bool is_uuid(const std::string& text);

}  // namespace govbus

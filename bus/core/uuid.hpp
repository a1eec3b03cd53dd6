// Message ids: time-ordered (version 7) UUIDs, RFC 9562 §5.7.
//
// A message id is a key of two indexes at every node it passes (the
// journal's de-duplication and the exchange log's message keys). Version 7
// ids begin with the time they were made, so ids made at about the same
// time sort together and each node's index grows at its end, as the other
// time-ordered keys do, instead of taking every new id on a random page
// (which made writing the page again the largest share of a message's
// storage cost). The 74 bits after the time are random, from OpenSSL's
// CSPRNG; the node accepts ids of any version.
#pragma once

#include <cstdint>
#include <string>

namespace govbus {

// A new version 7 UUID in lower-case 8-4-4-4-12 form. Ids made by one process
// increase strictly, even when the system clock steps back.
std::string new_uuid();

// The id for a Unix time in milliseconds, a 12-bit sequence (rand_a) and 8
// random bytes of which the low 62 bits are used (rand_b).
std::string uuid_v7(std::int64_t unix_ms, std::uint16_t sequence, const unsigned char (&random)[8]);

// A random (version 4) UUID, RFC 9562 §5.4: what many other systems send.
std::string new_random_uuid();

// True for the lower- or upper-case 8-4-4-4-12 hex form.
bool is_uuid(const std::string& text);

}  // namespace govbus

// Shared by the journal tests: a temporary directory and accept builders.
#pragma once

#include "tests/support/temp_dir.hpp"
#include "bus/journal/journal.hpp"

#include <boost/test/unit_test.hpp>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

namespace govbus::test {

inline Accept make_accept(std::string id, std::string case_number, std::vector<std::string> destinations) {
    Accept a;
    a.message_id = std::move(id);
    a.case_number = std::move(case_number);
    a.type = a.case_number.empty() ? "data.query" : "case.apply";
    a.source = "sc.portal";
    a.body = "<Envelope id=\"" + a.message_id + "\"/>";
    a.content_type = "application/xml";
    a.created = std::chrono::system_clock::now();
    a.destinations = std::move(destinations);
    return a;
}

// Deterministic retry timing: 1 s, doubling, capped at 60 s, no jitter.
inline JournalOptions test_options(int max_attempts = 10) {
    JournalOptions o;
    o.max_attempts = max_attempts;
    o.backoff.initial = std::chrono::seconds(1);
    o.backoff.factor = 2.0;
    o.backoff.cap = std::chrono::seconds(60);
    o.backoff.jitter = 0.0;
    return o;
}

inline std::unique_ptr<Journal> open_journal(const std::string& path, JournalOptions options = test_options()) {
    auto j = Journal::open(path, options);
    BOOST_REQUIRE_MESSAGE(j.ok(), (j.ok() ? std::string() : j.problem().to_string()));
    return std::move(*j);
}

// SQL that takes a journal written by this build back to schema version 3,
// for the migration tests: what versions 4 to 7 added, removed again.
inline constexpr const char* kBackToVersion3 =
    "DROP INDEX messages_body_file; ALTER TABLE messages DROP COLUMN body_file; "
    "ALTER TABLE messages DROP COLUMN body_offset; ALTER TABLE messages DROP COLUMN body_size; "
    "DROP TABLE dropped; ALTER TABLE messages DROP COLUMN region; DROP INDEX case_paths_age; "
    "PRAGMA user_version=3;";

// A delivery carries what its message was accepted with (all but the
// destination, which is one of the accept's, and the attempt).
inline void expect_carries(const Delivery& d, const Accept& a) {
    BOOST_TEST(d.message_id == a.message_id);
    BOOST_TEST(d.case_number == a.case_number);
    BOOST_TEST(d.type == a.type);
    BOOST_TEST(d.source == a.source);
    BOOST_TEST(d.body == a.body);
    BOOST_TEST(d.content_type == a.content_type);
    BOOST_TEST(d.region == a.region);  // for the exchange log's records of the delivery
    BOOST_TEST(d.priority == a.priority);
}

// Message ids of the deliveries, in the order handed out.
inline std::vector<std::string> ids_of(const std::vector<Delivery>& ds) {
    std::vector<std::string> out;
    for (const auto& d : ds) out.push_back(d.message_id);
    return out;
}

}  // namespace govbus::test

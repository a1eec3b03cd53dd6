#define BOOST_TEST_MODULE journal_body_segments
#include <boost/test/unit_test.hpp>

#include "bus/journal/body_store.hpp"
#include "tests/bus/journal/journal_fixture.hpp"

#include <sqlite3.h>

#include <fstream>
#include <iterator>
#include <set>

using namespace govbus;
using namespace govbus::test;
using namespace std::chrono_literals;

namespace {

const auto kFar = std::chrono::system_clock::now() + 1h;

Accept large_accept(const std::string& id, std::size_t size = 20000) {
    Accept a = make_accept(id, "CASE-" + id, {"endpoint:a"});
    a.body = "{\"id\":\"" + id + "\",\"pad\":\"";
    for (std::size_t i = 0; a.body.size() < size - 2; ++i) a.body += static_cast<char>('a' + i % 26);
    a.body += "\"}";
    return a;
}

std::string file_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// body length, body_file of the message row.
std::pair<std::int64_t, std::int64_t> row_of(const std::string& db, const std::string& id) {
    sqlite3* raw = nullptr;
    BOOST_REQUIRE(sqlite3_open(db.c_str(), &raw) == SQLITE_OK);
    sqlite3_stmt* q = nullptr;
    sqlite3_prepare_v2(raw, "SELECT length(body), body_file FROM messages WHERE id = ?1", -1, &q, nullptr);
    sqlite3_bind_text(q, 1, id.c_str(), -1, SQLITE_TRANSIENT);
    BOOST_REQUIRE(sqlite3_step(q) == SQLITE_ROW);
    std::pair<std::int64_t, std::int64_t> r{sqlite3_column_int64(q, 0), sqlite3_column_int64(q, 1)};
    sqlite3_finalize(q);
    sqlite3_close(raw);
    return r;
}

// A journal whose segments take `segment_bytes`, after accepting `count`
// 20 000-byte bodies (big-0, big-1, ...), handing them all out and hearing
// them delivered, except those in `waiting` (still in flight).
struct Handed {
    std::unique_ptr<Journal> journal;
    std::vector<Delivery> taken;
};
Handed handed_out(const std::string& db, std::int64_t segment_bytes, int count, const std::set<std::string>& waiting) {
    JournalOptions o = test_options();
    o.body_segment_bytes = segment_bytes;
    Handed h{open_journal(db, o), {}};
    for (int i = 0; i < count; ++i) BOOST_REQUIRE(h.journal->accept(large_accept("big-" + std::to_string(i))).ok());
    auto ready = h.journal->take_ready("endpoint:a", kFar, static_cast<std::size_t>(count) + 1);
    BOOST_REQUIRE_EQUAL(ready->size(), static_cast<std::size_t>(count));
    h.taken = std::move(*ready);
    for (const auto& d : h.taken)
        if (!waiting.count(d.message_id)) BOOST_REQUIRE(h.journal->delivered(d.id).ok());
    return h;
}

Delivery take_one(Journal& j) {
    auto ready = j.take_ready("endpoint:a", kFar, 1);
    BOOST_REQUIRE(ready.ok());
    BOOST_REQUIRE_EQUAL(ready->size(), 1u);
    return (*ready)[0];
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_large_body_is_written_to_a_segment_once_and_handed_out_whole) {
    TempDir dir;
    const std::string db = dir.file("journal.db");
    const Accept a = large_accept("big-1");
    {
        auto j = open_journal(db);
        BOOST_REQUIRE(j->accept(a).ok());
        expect_carries(take_one(*j), a);
    }
    // The row holds no copy; the segment holds exactly the body.
    BOOST_TEST((row_of(db, "big-1") == std::pair<std::int64_t, std::int64_t>{0, 1}));
    BOOST_TEST(file_text(db + "-bodies/00000001.seg") == a.body);

    // After a restart the delivery, put back from in flight, reads it again.
    auto j = open_journal(db);
    const Delivery d = take_one(*j);
    expect_carries(d, a);
    BOOST_TEST(!d.unreadable);
}

BOOST_AUTO_TEST_CASE(a_body_below_the_threshold_stays_in_the_database) {
    TempDir dir;
    const std::string db = dir.file("journal.db");
    auto j = open_journal(db);
    const Accept small = large_accept("small-1", 4095);
    const Accept at = large_accept("at-1", 4096);
    BOOST_REQUIRE(j->accept(small).ok());
    BOOST_REQUIRE(j->accept(at).ok());
    BOOST_TEST((row_of(db, "small-1") == std::pair<std::int64_t, std::int64_t>{4095, 0}));
    BOOST_TEST((row_of(db, "at-1") == std::pair<std::int64_t, std::int64_t>{0, 1}));
    auto ready = j->take_ready("endpoint:a", kFar, 10);
    BOOST_REQUIRE_EQUAL(ready->size(), 2u);
    expect_carries((*ready)[0], small);
    expect_carries((*ready)[1], at);
}

BOOST_AUTO_TEST_CASE(a_journal_set_to_keep_every_body_inside_writes_no_segment) {
    TempDir dir;
    const std::string db = dir.file("journal.db");
    JournalOptions o = test_options();
    o.segment_body_bytes = 0;
    auto j = open_journal(db, o);
    BOOST_REQUIRE(j->accept(large_accept("big-1")).ok());
    BOOST_TEST((row_of(db, "big-1") == std::pair<std::int64_t, std::int64_t>{20000, 0}));
    BOOST_TEST(!std::filesystem::exists(db + "-bodies"));
}

BOOST_AUTO_TEST_CASE(each_opening_appends_to_a_new_segment_and_a_full_one_is_followed_by_the_next) {
    TempDir dir;
    const std::string db = dir.file("journal.db");
    JournalOptions o = test_options();
    o.body_segment_bytes = 50000;  // two 20 000-byte bodies each
    std::vector<Accept> accepts;
    for (int i = 0; i < 5; ++i) accepts.push_back(large_accept("big-" + std::to_string(i)));
    {
        auto j = open_journal(db, o);
        for (int i = 0; i < 3; ++i) BOOST_REQUIRE(j->accept(accepts[i]).ok());
    }
    {
        auto j = open_journal(db, o);  // segment 2 had room, but a crash may have torn its tail
        for (int i = 3; i < 5; ++i) BOOST_REQUIRE(j->accept(accepts[i]).ok());
    }
    const std::vector<std::int64_t> files = {1, 1, 2, 3, 3};
    for (int i = 0; i < 5; ++i) BOOST_TEST(row_of(db, accepts[i].message_id).second == files[i]);
    BOOST_TEST(file_text(db + "-bodies/00000002.seg") == accepts[2].body);
    {
        auto j = open_journal(db, o);  // opened again: no new segment until it writes
        auto s = j->stats();
        BOOST_REQUIRE(s.ok());
        BOOST_TEST(s->body_segments == 3);
        BOOST_TEST(s->body_segment_bytes == 5 * 20000);
    }

    auto j = open_journal(db, o);
    auto ready = j->take_ready("endpoint:a", kFar, 10);
    BOOST_REQUIRE_EQUAL(ready->size(), 5u);
    for (int i = 0; i < 5; ++i) expect_carries((*ready)[i], accepts[i]);
}

BOOST_AUTO_TEST_CASE(a_segment_is_overwritten_and_deleted_once_no_message_refers_to_it) {
    TempDir dir;
    const std::string db = dir.file("journal.db");
    // Segment 1: big-0 and big-1; segment 2: big-2 and big-3; segment 3 (current): big-4.
    // All delivered but big-2, whose segment must stay.
    auto [j, ready] = handed_out(db, 50000, 5, {"big-2"});

    BOOST_TEST(*j->prune_delivered(kFar) == 4);
    BOOST_TEST(!std::filesystem::exists(db + "-bodies/00000001.seg"));
    BOOST_TEST(std::filesystem::exists(db + "-bodies/00000002.seg"));
    BOOST_TEST(std::filesystem::exists(db + "-bodies/00000003.seg"));  // still being written

    for (const auto& d : ready)
        if (d.message_id == "big-2") BOOST_REQUIRE(j->delivered(d.id).ok());
    BOOST_TEST(*j->prune_delivered(kFar) == 1);
    BOOST_TEST(!std::filesystem::exists(db + "-bodies/00000002.seg"));
    BOOST_TEST(std::filesystem::exists(db + "-bodies/00000003.seg"));
}

BOOST_AUTO_TEST_CASE(a_segment_left_to_a_few_old_messages_gives_them_to_the_database_and_goes) {
    TempDir dir;
    const std::string db = dir.file("journal.db");
    // Ten bodies a segment. Segment 1: big-0 .. big-9 (closed); segment 2:
    // big-10, big-11 (current). big-3 waits; the others were delivered.
    auto [j, taken] = handed_out(db, 200000, 12, {"big-3"});
    const std::string segment = db + "-bodies/00000001.seg";

    // Pruning only what is an hour old: nothing goes, the segment stays.
    BOOST_TEST(*j->prune_delivered(std::chrono::system_clock::now() - 1h) == 0);
    BOOST_TEST(row_of(db, "big-3").second == 1);
    BOOST_TEST(std::filesystem::exists(segment));

    // Everything delivered goes; big-3's 20 000 bytes are a tenth of its
    // segment: the body moves into its row and the segment is deleted.
    BOOST_TEST(*j->prune_delivered(kFar) == 11);
    BOOST_TEST((row_of(db, "big-3") == std::pair<std::int64_t, std::int64_t>{20000, 0}));
    BOOST_TEST(!std::filesystem::exists(segment));
    BOOST_TEST(std::filesystem::exists(db + "-bodies/00000002.seg"));  // current: never emptied

    // The waiting delivery still carries its body, after a restart too.
    j.reset();
    auto again = open_journal(db);
    auto retry = again->take_ready("endpoint:a", kFar, 10);
    BOOST_REQUIRE_EQUAL(retry->size(), 1u);
    expect_carries((*retry)[0], large_accept("big-3"));
    BOOST_TEST(!(*retry)[0].unreadable);
}

BOOST_AUTO_TEST_CASE(a_segment_still_an_eighth_full_or_more_is_kept) {
    TempDir dir;
    const std::string db = dir.file("journal.db");
    // Two of segment 1's ten bodies wait: 40 000 of 200 000 bytes.
    auto [j, taken] = handed_out(db, 200000, 11, {"big-3", "big-4"});
    BOOST_TEST(*j->prune_delivered(kFar) == 9);
    BOOST_TEST(row_of(db, "big-3").second == 1);
    BOOST_TEST(row_of(db, "big-4").second == 1);
    BOOST_TEST(std::filesystem::exists(db + "-bodies/00000001.seg"));
}

BOOST_AUTO_TEST_CASE(a_lost_segment_fails_the_attempt_with_a_reason_naming_the_file) {
    TempDir dir;
    const std::string db = dir.file("journal.db");
    {
        auto j = open_journal(db);
        BOOST_REQUIRE(j->accept(large_accept("big-1")).ok());
    }
    const std::string segment = db + "-bodies/00000001.seg";
    std::filesystem::rename(segment, dir.file("away.seg"));
    auto j = open_journal(db);
    const Delivery d = take_one(*j);
    BOOST_TEST(d.body.empty());
    BOOST_REQUIRE(d.unreadable.has_value());
    BOOST_TEST(d.unreadable->code == "journal.body_unreadable");
    BOOST_TEST(d.unreadable->message.find("20000 bytes at offset 0 of " + db + "-bodies/00000001.seg") !=
               std::string::npos);
    BOOST_TEST(d.unreadable->message.find("No such file") != std::string::npos, d.unreadable->message);
    // Counted as a failed attempt like any other: retried later, and with
    // the file back in its place the next attempt has the body.
    auto retry = j->failed(d.id, *d.unreadable, std::chrono::system_clock::now());
    BOOST_REQUIRE(retry.ok());
    BOOST_TEST(!retry->dead_lettered);
    std::filesystem::rename(dir.file("away.seg"), segment);
    const Delivery again = take_one(*j);
    BOOST_TEST(again.id == d.id);
    BOOST_TEST(again.attempt == 2);
    BOOST_TEST(!again.unreadable);
    BOOST_TEST(again.body == large_accept("big-1").body);
}

// Numbering new segments by the files on disk alone would create the lost
// 00000001.seg again for big-2, and big-1's row would read big-2's body.
BOOST_AUTO_TEST_CASE(a_lost_segment_is_not_created_again_for_other_bodies) {
    TempDir dir;
    const std::string db = dir.file("journal.db");
    {
        auto j = open_journal(db);
        BOOST_REQUIRE(j->accept(large_accept("big-1")).ok());
    }
    std::filesystem::remove(db + "-bodies/00000001.seg");
    auto j = open_journal(db);
    Accept other = large_accept("big-2");
    other.destinations = {"endpoint:b"};
    BOOST_REQUIRE(j->accept(other).ok());
    BOOST_TEST(row_of(db, "big-2").second == 2);
    BOOST_TEST(!std::filesystem::exists(db + "-bodies/00000001.seg"));
    const Delivery d = take_one(*j);
    BOOST_TEST(d.message_id == "big-1");
    BOOST_TEST(d.body.empty());
    BOOST_REQUIRE(d.unreadable.has_value());
    BOOST_TEST(d.unreadable->message.find(db + "-bodies/00000001.seg") != std::string::npos, d.unreadable->message);
}

BOOST_AUTO_TEST_CASE(a_segment_cut_short_is_reported_where_it_ends) {
    TempDir dir;
    BodyStore store(dir.file("bodies"), false, 1 << 20, 1);
    auto ref = store.append(std::string(100, 'x'));
    BOOST_REQUIRE(ref.ok());
    BOOST_REQUIRE(store.sync().ok());
    std::filesystem::resize_file(store.path_of(1), 60);
    auto body = store.read(*ref);
    BOOST_REQUIRE(!body.ok());
    BOOST_TEST(body.problem().message.find("the file ends at byte 60") != std::string::npos, body.problem().message);
}

BOOST_AUTO_TEST_CASE(a_store_numbers_its_segments_after_those_on_disk_and_lists_only_closed_ones) {
    TempDir dir;
    const std::string bodies = dir.file("bodies");
    std::filesystem::create_directories(bodies);
    std::ofstream(bodies + "/00000007.seg") << "left by an earlier run";
    std::ofstream(bodies + "/notes.txt") << "not a segment";
    auto store = BodyStore::open(bodies, true, 1 << 20);
    BOOST_REQUIRE(store.ok());
    BOOST_TEST((*(*store)->closed_segments() == std::vector<std::int64_t>{7}));
    auto ref = (*store)->append("body");
    BOOST_REQUIRE(ref.ok());
    BOOST_TEST(ref->file == 8);
    BOOST_REQUIRE((*store)->sync().ok());
    BOOST_TEST((*(*store)->closed_segments() == std::vector<std::int64_t>{7}));
    BOOST_TEST(*(*store)->read(*ref) == "body");
    BOOST_REQUIRE((*store)->remove(7).ok());
    BOOST_TEST(!std::filesystem::exists(bodies + "/00000007.seg"));
    BOOST_TEST(std::filesystem::exists(bodies + "/notes.txt"));
}

BOOST_AUTO_TEST_CASE(a_store_numbers_its_segments_past_the_highest_a_message_names) {
    TempDir dir;
    const std::string bodies = dir.file("bodies");
    std::filesystem::create_directories(bodies);
    std::ofstream(bodies + "/00000003.seg") << "left by an earlier run";
    auto store = BodyStore::open(bodies, false, 1 << 20, 5);
    BOOST_REQUIRE(store.ok());
    auto ref = (*store)->append("body");
    BOOST_REQUIRE(ref.ok());
    BOOST_TEST(ref->file == 6);
    auto behind = BodyStore::open(dir.file("other"), false, 1 << 20, 0);
    BOOST_REQUIRE(behind.ok());
    BOOST_TEST((*behind)->append("body")->file == 1);
}

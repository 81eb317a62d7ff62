#pragma once
// A Tweeling node or hub, followed through its change feed from the stored cursor. First its
// identity (node id and signing key, and for a hub the keys it vouches for), then page after page:
// each page is parsed and checked, its epoch followed (FeedEpoch), its entries read into puts to
// check and deletions, the puts verified and prepared (on two threads for large pages), and the page
// queued for the writer, which commits it with its cursor in one transaction.
#include "hub/job.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace tweeling::federation::hub {

// The epoch of a feed during one run. The epoch is fixed when the source's database is made: a first
// page naming another epoch than the one stored means the database was rebuilt, and the hub resyncs
// (reads everything again from seq 0, then removes what the source no longer lists). An epoch that
// changes after the first page is an error: the run stops, and the next round reads again.
class FeedEpoch {
public:
    explicit FeedEpoch(std::string stored) : m_stored(std::move(stored)) {}

    enum class Step {
        Continue,  // the page belongs to the run
        Resync,    // the first page names a new epoch: resync under it
        Changed,   // the epoch changed during the run: stop
    };
    Step onPage(const std::string& pageEpoch);

    // The epoch each page stores with its cursor: the one this run found when it is new to the hub
    // (a first harvest, or a resync); empty to keep the stored one.
    const std::string& newEpoch() const { return m_new; }

private:
    std::string m_stored;
    std::string m_new;
    std::string m_current;  // the epoch of the run's first page
    bool m_first = true;
};

class FeedJob : public Job {
public:
    using Job::Job;

    // The source's identity comes first: its node id and signing key (pinned, followed through a
    // signed rotation, or waiting for approval), and for a hub the keys of the origins it relays.
    void start(harvest::Fetcher& fetcher) override;

private:
    // A feed page that parsed and has the members of a Tweeling feed.
    struct FeedPage {
        common::Json doc;
        std::string epoch;
        std::string origin;
        const common::JsonValue* entries = nullptr;  // an array, in doc
        std::int64_t latest = 0;
    };
    // A put entry read from a page, to verify and prepare.
    struct Candidate {
        const common::JsonValue* record;  // in the page
        std::string origin;
        std::string where;
        std::string signature;
    };
    // A page's entries, read in feed order.
    struct PageEntries {
        std::vector<Candidate> candidates;
        std::vector<RecordKey> listed;  // every put entry, even refused: not deleted as missing
        std::vector<registry::store::RemoveRequest> deletions;
        std::int64_t last = 0;  // the page's last seq: the cursor after it
    };
    // What the writer commits for a page, with its cursor, and adds to the report.
    struct PageWrite {
        registry::store::WriteBatch batch;
        std::vector<RecordKey> listed;
        std::vector<registry::store::RemoveRequest> deletions;
        std::vector<RecordProblems> rejected, warned;
        std::set<std::string> collidingOrigins, badSignatureOrigins;
        std::int64_t collisions = 0, badSignatures = 0;
        std::string newEpoch;
        std::int64_t last = 0;
    };

    void stopEarly() override;
    void onIdentity(harvest::Fetcher& fetcher, const harvest::FetchResult& result);
    void onRelayedKeys(harvest::Fetcher& fetcher, const harvest::FetchResult& result);
    std::string feedUrl(std::int64_t after) const;
    void next(harvest::Fetcher& fetcher, std::int64_t after);

    // One page, in the steps below; each returning false has ended the handling of this page.
    void onPage(harvest::Fetcher& fetcher, const harvest::FetchResult& result);
    bool readPage(const harvest::FetchResult& result, FeedPage& page);
    bool followEpoch(harvest::Fetcher& fetcher, const FeedPage& page);
    bool checkOrigin(const FeedPage& page);
    bool readEntries(const FeedPage& page, PageEntries& out);
    void readEntry(const common::JsonValue& entry, const std::string& pageOrigin, const std::string& where,
                   PageEntries& out);
    void readDeletion(const common::JsonValue& entry, const std::string& origin, const std::string& id,
                      const std::string& where, const std::string& signature, PageEntries& out);
    std::vector<Prepared> prepareCandidates(const std::vector<Candidate>& candidates) const;
    Prepared verifyAndPrepare(const Candidate& candidate) const;
    PageWrite collect(PageEntries&& entries, std::vector<Prepared>&& prepared) const;
    void queueWrite(PageWrite&& write);
    void queueEnd();

    void beginResync(const std::string& epoch);
    void startResync(const std::string& epoch);
    void writePage(const PageWrite& write);

    std::int64_t m_after = 0;
    FeedEpoch m_epoch{m_state.epoch};
    std::string m_identity;  // the source's node id
    Verifier m_verifier;
};

}  // namespace tweeling::federation::hub

// A hub's own verdict on the records it holds (Store::annotate): the stored document and the
// validation posting change, the content and everything indexed from it do not.
#include "store/store_private.hpp"

#include "common/time.hpp"

namespace tweeling::registry::store {

std::vector<bool> Store::annotate(const std::vector<Annotation>& annotations) {
    std::vector<bool> applied;
    applied.reserve(annotations.size());
    if (annotations.empty()) return applied;
    std::vector<std::string> compressed;
    compressed.reserve(annotations.size());
    for (const Annotation& annotation : annotations) compressed.push_back(m_private->documents.compress(annotation.json));
    std::lock_guard<std::mutex> lock(m_private->writeMutex);
    Connection& writer = m_private->writer;
    Transaction transaction(writer.database());
    m_private->pendingChanges.clear();
    const std::string now = common::nowRfc3339();
    for (std::size_t i = 0; i < annotations.size(); ++i) {
        const Annotation& annotation = annotations[i];
        std::int64_t rid = 0;
        std::string origin, id;
        {
            StatementUse statement = writer.statement("SELECT rid, origin, id, hash FROM records WHERE key = ?1");
            statement->bind(1, annotation.key);
            // A verdict on a version the hub no longer holds is dropped: the new one is probed anew.
            if (!statement->step() || statement->textView(3) != annotation.hash) {
                applied.push_back(false);
                continue;
            }
            rid = statement->int64(0);
            origin = statement->text(1);
            id = statement->text(2);
        }
        // A new feed entry: the hub's feed, its search page cache and its in-memory facet bitmaps
        // all follow the seq.
        const std::int64_t seq = m_private->appendFeed("put", origin, id, annotation.key, now);
        {
            StatementUse statement = writer.statement("UPDATE records SET json = ?1, seq = ?2 WHERE rid = ?3");
            statement->bindBlob(1, compressed[i].data(), compressed[i].size()).bind(2, seq).bind(3, rid);
            statement->execute();
        }
        {
            StatementUse statement = writer.statement("DELETE FROM record_values WHERE rid = ?1 AND kind = ?2");
            statement->bind(1, rid).bind(2, planner::kValidation);
            statement->execute();
        }
        if (!annotation.validation.empty()) {
            StatementUse statement =
                writer.statement("INSERT OR IGNORE INTO record_values(kind, value, rid) VALUES (?1, ?2, ?3)");
            statement->bind(1, planner::kValidation).bind(2, annotation.validation).bind(3, rid);
            statement->execute();
        }
        m_private->noteChange(seq, rid);
        applied.push_back(true);
    }
    m_private->commitWrite(transaction);
    return applied;
}

}  // namespace tweeling::registry::store

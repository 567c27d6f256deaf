// The sender's statements on basalt.outbox. Claims are "reclaimable" when pending, or when
// 'sending' but the claiming sender's session advisory lock is gone (it crashed) or its claim
// is older than the lease. Every outcome update is guarded by claimed_by so a sender whose
// claim was taken over never overwrites the new owner's result.
#pragma once

#include <cstdint>
#include <string_view>

namespace basalt::messaging::detail {

// First key of every sender's pg_advisory_lock(int, int); the second is the sender's id.
constexpr std::int32_t kSenderLockNamespace = 0x6f7574;  // "out"

// $1 namespace, $2 sender id -> boolean
constexpr std::string_view kTryLockSql = "SELECT pg_catalog.pg_try_advisory_lock($1::integer, $2::integer)";

// Shared predicate (alias o): the claim on a 'sending' row no longer protects it.
// $ns = namespace key, $lease = seconds.
#define BASALT_OUTBOX_CLAIM_EXPIRED(ns, lease)                                                        \
    "(o.claimed_at < now() - pg_catalog.make_interval(secs => " lease "::double precision)"           \
    " OR o.claimed_by IS NULL"                                                                        \
    " OR NOT EXISTS (SELECT 1 FROM pg_catalog.pg_locks l"                                             \
    "   WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2"                               \
    "     AND l.database = (SELECT d.oid FROM pg_catalog.pg_database d"                               \
    "                       WHERE d.datname = pg_catalog.current_database())"                         \
    "     AND l.classid = " ns "::integer::oid AND l.objid = o.claimed_by::oid))"

// $1 limit, $2 lease seconds, $3 namespace, $4 my id, $5 max attempts
// -> id, channel, kind, recipient, subject, text_body, html_body, attempts, created_us
constexpr std::string_view kClaimSql =
    "WITH due AS ("
    " SELECT o.id FROM basalt.outbox o"
    " WHERE o.status IN ('pending', 'sending') AND o.next_attempt_at <= now()"
    "   AND (o.expires_at IS NULL OR o.expires_at > now()) AND o.attempts < $5::integer"
    "   AND (o.status = 'pending' OR " BASALT_OUTBOX_CLAIM_EXPIRED("$3", "$2") ")"
    " ORDER BY o.next_attempt_at, o.id"
    " LIMIT $1::integer"
    " FOR UPDATE SKIP LOCKED)"
    " UPDATE basalt.outbox o SET status = 'sending', attempts = o.attempts + 1, claimed_by = $4::integer,"
    "   claimed_at = now(), updated_at = now()"
    " FROM due WHERE o.id = due.id"
    " RETURNING o.id, o.channel, o.kind, o.recipient, o.subject, o.text_body, o.html_body, o.attempts,"
    "   (extract(epoch FROM o.created_at) * 1000000)::bigint";

// Rows that can no longer be delivered: expired before delivery, or abandoned in 'sending'
// after the last allowed attempt. $1 lease seconds, $2 namespace, $3 max attempts -> channel
constexpr std::string_view kGiveUpSql =
    "WITH dead AS ("
    " SELECT o.id, CASE WHEN o.expires_at <= now() THEN 'expired before delivery'"
    "                   ELSE 'delivery interrupted after the last attempt' END AS reason"
    " FROM basalt.outbox o"
    " WHERE (o.status = 'pending' AND o.expires_at <= now())"
    "    OR (o.status = 'sending' AND (o.expires_at <= now() OR o.attempts >= $3::integer)"
    "        AND " BASALT_OUTBOX_CLAIM_EXPIRED("$2", "$1") ")"
    " FOR UPDATE SKIP LOCKED)"
    " UPDATE basalt.outbox o SET status = 'failed', last_error = dead.reason, claimed_by = NULL,"
    "   updated_at = now()"
    " FROM dead WHERE o.id = dead.id"
    " RETURNING o.channel";

#undef BASALT_OUTBOX_CLAIM_EXPIRED

// $1 id, $2 my id, $3 status (sent|captured), $4 provider, $5 provider message id, $6 redact
constexpr std::string_view kDoneSql =
    "UPDATE basalt.outbox SET status = $3, sent_at = now(), updated_at = now(), last_error = NULL,"
    "  claimed_by = NULL, provider = $4, provider_message_id = $5,"
    "  text_body = CASE WHEN $6::boolean THEN NULL ELSE text_body END,"
    "  html_body = CASE WHEN $6::boolean THEN NULL ELSE html_body END"
    " WHERE id = $1::bigint AND status = 'sending' AND claimed_by = $2::integer";

// $1 id, $2 my id, $3 delay ms, $4 error, $5 provider
constexpr std::string_view kRetrySql =
    "UPDATE basalt.outbox SET status = 'pending', updated_at = now(), claimed_by = NULL,"
    "  next_attempt_at = now() + pg_catalog.make_interval(secs => $3::double precision / 1000),"
    "  last_error = $4, provider = $5"
    " WHERE id = $1::bigint AND status = 'sending' AND claimed_by = $2::integer";

// $1 id, $2 my id, $3 error, $4 provider
constexpr std::string_view kFailSql =
    "UPDATE basalt.outbox SET status = 'failed', updated_at = now(), claimed_by = NULL,"
    "  last_error = $3, provider = $4"
    " WHERE id = $1::bigint AND status = 'sending' AND claimed_by = $2::integer";

// Shutdown aborted the transfer: not a real attempt, due again at once. $1 id, $2 my id
constexpr std::string_view kReleaseSql =
    "UPDATE basalt.outbox SET status = 'pending', updated_at = now(), claimed_by = NULL,"
    "  attempts = greatest(attempts - 1, 0), next_attempt_at = now()"
    " WHERE id = $1::bigint AND status = 'sending' AND claimed_by = $2::integer";

// $1 hours -> deleted count
constexpr std::string_view kRetentionSql =
    "DELETE FROM basalt.outbox WHERE status IN ('sent', 'failed', 'captured')"
    " AND updated_at < now() - pg_catalog.make_interval(hours => $1::integer)";

}  // namespace basalt::messaging::detail

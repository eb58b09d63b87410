package io.callstream.call;

/**
 * The SQL of {@link TranscriptRepository}'s live-turn writes, the one documented exception to "only
 * {@link CallRepository} writes {@code calls}": each statement inserts transcriptions and bumps the
 * calls' sequence counters in one round trip and one commit. Kept apart from the repository's
 * methods only for length, as {@link CallSql} is; nothing but {@link TranscriptRepository} runs it.
 */
final class LiveTurnSql {
  private LiveTurnSql() {}

  /**
   * The steps, each a CTE:
   *
   * <ol>
   *   <li>{@code input}: the arrays, one row per request, {@code ord} = its position (arrival
   *       order).
   *   <li>{@code matched}: each request's call, by call_sid or conversation_id, the call_sid match
   *       preferred.
   *   <li>{@code locked}: the matched calls rows, locked in id order (two writers never lock in
   *       opposite orders, so they queue instead of deadlocking); FOR UPDATE returns the latest
   *       committed status and counter.
   *   <li>{@code existing}: requests whose (call, dedupe key) is already stored: a redelivery,
   *       answered with that row.
   *   <li>{@code fresh}: the turns to insert: call open, not stored, and the first request of its
   *       key in this batch; {@code rank} numbers them per call in arrival order.
   *   <li>{@code bumped}: one UPDATE per call adds the count of its fresh turns to the counter (a
   *       statement cannot update one row twice) and moves an initiated call to in_progress; {@code
   *       base} = the counter before.
   *   <li>{@code inserted}: each fresh turn gets base + rank: gapless, in arrival order; ids in
   *       arrival order too.
   * </ol>
   *
   * The result has one row per request in {@code ord} order; a later duplicate of a fresh turn in
   * the batch joins the inserted row by (call, key), with created = false. A turn stored
   * concurrently by another transaction after this statement's snapshot makes the insert fail with
   * 23505, rolling everything back: run the batch again.
   */
  static final String INSERT_BATCH =
      """
      WITH input AS (
        SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[])
          WITH ORDINALITY AS u(call_sid, conversation_id, dedupe_key, speaker, message, spoken_at, ord)
      ), matched AS MATERIALIZED (
        SELECT i.ord, i.dedupe_key, i.speaker, i.message, i.spoken_at,
          (SELECT c.id FROM calls c WHERE c.call_sid = i.call_sid OR c.conversation_id = i.conversation_id
           ORDER BY (c.call_sid = i.call_sid) DESC NULLS LAST LIMIT 1) AS call_id
        FROM input i
      ), locked AS MATERIALIZED (
        SELECT c.id, c.status, c.call_sid, c.conversation_id FROM calls c
        WHERE c.id = ANY (ARRAY(SELECT m.call_id FROM matched m)) ORDER BY c.id FOR UPDATE
      ), existing AS MATERIALIZED (
        SELECT m.ord, t.id, t.sequence_number, t.spoken_at
        FROM matched m JOIN transcriptions t ON t.call_id = m.call_id AND t.dedupe_key = m.dedupe_key
      ), fresh AS MATERIALIZED (
        SELECT d.*, row_number() OVER (PARTITION BY d.call_id ORDER BY d.ord)::int AS rank
        FROM (SELECT DISTINCT ON (m.call_id, m.dedupe_key) m.*
              FROM matched m JOIN locked l ON l.id = m.call_id
              WHERE l.status NOT IN ('completed', 'failed')
                AND NOT EXISTS (SELECT 1 FROM existing e WHERE e.ord = m.ord)
              ORDER BY m.call_id, m.dedupe_key, m.ord) d
      ), bumped AS (
        UPDATE calls c SET last_sequence_number = c.last_sequence_number + k.n, updated_at = now(),
          status = CASE WHEN c.status = 'initiated' THEN 'in_progress' ELSE c.status END
        FROM (SELECT f.call_id, count(*)::int AS n FROM fresh f GROUP BY f.call_id) k
          JOIN locked l ON l.id = k.call_id
        WHERE c.id = k.call_id
        RETURNING c.id, c.last_sequence_number - k.n AS base, l.status = 'initiated' AS was_initiated
      ), inserted AS (
        INSERT INTO transcriptions (call_id, sequence_number, speaker_type, message_text, spoken_at, source,
                                    dedupe_key)
        SELECT f.call_id, b.base + f.rank, f.speaker, f.message, f.spoken_at, 'live', f.dedupe_key
        FROM fresh f JOIN bumped b ON b.id = f.call_id ORDER BY f.ord
        RETURNING id, call_id, sequence_number, spoken_at, dedupe_key
      )
      SELECT m.ord, m.call_id, l.status, l.call_sid, l.conversation_id,
        coalesce(e.id, i.id) AS id, coalesce(e.sequence_number, i.sequence_number) AS sequence_number,
        coalesce(e.spoken_at, i.spoken_at) AS spoken_at, f.ord IS NOT NULL AS created,
        coalesce(f.rank = 1 AND b.was_initiated, false) AS started
      FROM matched m
      LEFT JOIN locked l ON l.id = m.call_id
      LEFT JOIN existing e ON e.ord = m.ord
      LEFT JOIN inserted i ON i.call_id = m.call_id AND i.dedupe_key = m.dedupe_key
      LEFT JOIN fresh f ON f.ord = m.ord
      LEFT JOIN bumped b ON b.id = m.call_id
      ORDER BY m.ord""";

  /**
   * {@link #INSERT_BATCH} for a batch of one turn, the usual batch below a few hundred webhooks per
   * second: the same steps, answers and errors, without the arrays, window and joins that only a
   * batch needs. With the writer's generic plans PostgreSQL runs it in less than half the time:
   * 0.19-0.22 ms against 0.44-0.50 ms (EXPLAIN ANALYZE EXECUTE of both, prepared, on a 100,000-turn
   * table; the peer's one-turn statement: 0.16-0.25 ms).
   */
  static final String INSERT_ONE =
      """
      WITH c AS MATERIALIZED (
        SELECT l.id, l.status, l.call_sid, l.conversation_id FROM calls l
        WHERE l.id = (SELECT m.id FROM calls m WHERE m.call_sid = $1 OR m.conversation_id = $2
                      ORDER BY (m.call_sid = $1) DESC NULLS LAST LIMIT 1)
        FOR UPDATE
      ), e AS MATERIALIZED (
        SELECT t.id, t.sequence_number, t.spoken_at FROM transcriptions t
        WHERE t.call_id = (SELECT c.id FROM c) AND t.dedupe_key = $3
      ), b AS (
        UPDATE calls u SET last_sequence_number = u.last_sequence_number + 1, updated_at = now(),
          status = CASE WHEN u.status = 'initiated' THEN 'in_progress' ELSE u.status END
        FROM c
        WHERE u.id = c.id AND c.status NOT IN ('completed', 'failed') AND NOT EXISTS (SELECT 1 FROM e)
        RETURNING u.id, u.last_sequence_number AS seq, c.status = 'initiated' AS was_initiated
      ), i AS (
        INSERT INTO transcriptions (call_id, sequence_number, speaker_type, message_text, spoken_at, source,
                                    dedupe_key)
        SELECT b.id, b.seq, $4, $5, $6, 'live', $3 FROM b
        RETURNING id, sequence_number, spoken_at
      )
      SELECT 1::bigint AS ord, c.id AS call_id, c.status, c.call_sid, c.conversation_id,
        coalesce(e.id, i.id) AS id, coalesce(e.sequence_number, i.sequence_number) AS sequence_number,
        coalesce(e.spoken_at, i.spoken_at) AS spoken_at, i.id IS NOT NULL AS created,
        coalesce(b.was_initiated, false) AS started
      FROM (SELECT 1) one
      LEFT JOIN c ON true LEFT JOIN e ON true LEFT JOIN b ON true LEFT JOIN i ON true""";
}

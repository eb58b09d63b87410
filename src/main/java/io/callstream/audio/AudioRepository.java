package io.callstream.audio;

import io.callstream.db.Jdbc;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** The SQL of {@code call_audio} and {@code call_audio_chunks} (migration V5). */
public final class AudioRepository {
  private static final String COLUMNS =
      "id, audio_key, source, content_type, size, chunk_size, sha256, store, object_key";

  /**
   * The row is inserted first (the chunks reference it) and stays invisible until its transaction
   * commits.
   */
  private static final String INSERT =
      "INSERT INTO call_audio (audio_key, source, content_type, size, chunk_size, "
          + "sha256, store, object_key) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id";

  private static final String CHUNK =
      "INSERT INTO call_audio_chunks (audio_id, seq, bytes) VALUES ($1, $2, $3)";
  private static final String FINISH =
      "UPDATE call_audio SET audio_key = $2, size = $3, sha256 = $4 WHERE id = $1";

  /**
   * Two recordings stored under one key at once: the second waits for the first's commit, then
   * replaces it.
   */
  private static final String LOCK_KEY =
      "SELECT pg_advisory_xact_lock(hashtextextended('call_audio:' || $1, 0))";

  private static final String REPLACE =
      "DELETE FROM call_audio WHERE audio_key = $1 AND id <> $2 RETURNING store, object_key";
  private static final String FIND =
      "SELECT " + COLUMNS + " FROM call_audio WHERE audio_key = $1 " + "ORDER BY id DESC LIMIT 1";

  /** Only the bytes of one chunk that the range needs leave the database. */
  private static final String READ =
      "SELECT substring(bytes FROM $3 FOR $4) AS part FROM call_audio_chunks "
          + "WHERE audio_id = $1 AND seq = $2";

  private static final String EXPIRE =
      """
      DELETE FROM call_audio WHERE id IN (
        SELECT id FROM call_audio WHERE created_at < now() - make_interval(days => $1)
        ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED)
      RETURNING store, object_key""";

  /**
   * Data retention (operator {@code purge}, DATA_RETENTION_DAYS): deletes the recordings stored in
   * PostgreSQL under the audio keys $1 of purged calls (their chunks by ON DELETE CASCADE) and
   * counts those in S3 under the same keys, which are left to AUDIO_RETENTION_DAYS ({@link
   * AudioRetention}: it deletes the object with the row).
   */
  static final String PURGE_KEYS =
      """
      WITH k AS (SELECT unnest($1::text[]) AS audio_key),
        gone AS (DELETE FROM call_audio WHERE audio_key IN (SELECT audio_key FROM k) AND store = 'postgres' RETURNING 1)
      SELECT (SELECT count(*) FROM gone) AS deleted,
        (SELECT count(*) FROM call_audio WHERE audio_key IN (SELECT audio_key FROM k) AND store = 's3') AS s3_left""";

  /**
   * What a purge did to recordings: deleted (PostgreSQL), and left in S3 for AUDIO_RETENTION_DAYS.
   */
  public record Purged(long deleted, long s3Left) {}

  /** Where an S3 object of a deleted row was (null for PostgreSQL rows). */
  public record Removed(String store, String objectKey) {}

  /**
   * Inserts the row of a recording about to be written; its key and size are set by {@link
   * #finish}.
   */
  Future<Long> insert(
      SqlClient db,
      String key,
      String source,
      String contentType,
      long size,
      int chunkSize,
      String sha256,
      String store,
      String objectKey) {
    return db.preparedQuery(INSERT)
        .execute(
            Tuple.from(
                new Object[] {key, source, contentType, size, chunkSize, sha256, store, objectKey}))
        .map(rows -> rows.iterator().next().getLong(0));
  }

  Future<Void> chunk(SqlClient db, long audioId, int seq, Buffer bytes) {
    return db.preparedQuery(CHUNK).execute(Tuple.of(audioId, seq, bytes)).mapEmpty();
  }

  Future<Void> finish(SqlClient db, long audioId, String key, long size, String sha256) {
    return db.preparedQuery(FINISH).execute(Tuple.of(audioId, key, size, sha256)).mapEmpty();
  }

  /**
   * Inside the storing transaction: waits for other writers of the key, then deletes the older
   * recordings.
   */
  Future<List<Removed>> replace(SqlClient db, String key, long keepId) {
    return db.preparedQuery(LOCK_KEY)
        .execute(Tuple.of(key))
        .compose(locked -> db.preparedQuery(REPLACE).execute(Tuple.of(key, keepId)))
        .map(AudioRepository::removed);
  }

  Future<StoredAudio> find(SqlClient db, String key) {
    return db.preparedQuery(FIND)
        .execute(Tuple.of(key))
        .map(rows -> rows.size() == 0 ? null : audio(rows.iterator().next()));
  }

  /** {@code length} bytes of chunk {@code seq} from {@code offset} within it. */
  Future<Buffer> read(SqlClient db, long audioId, int seq, int offset, int length) {
    return db.preparedQuery(READ)
        .execute(Tuple.of(audioId, seq, offset + 1, length))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getBuffer(0));
  }

  Future<List<Removed>> expire(SqlClient db, int days, int limit) {
    return db.preparedQuery(EXPIRE).execute(Tuple.of(days, limit)).map(AudioRepository::removed);
  }

  /**
   * {@link #PURGE_KEYS} on a transaction's connection (the reconciler's DATA_RETENTION_DAYS pass).
   */
  public static Future<Purged> purgeKeys(SqlClient db, List<String> keys) {
    if (keys.isEmpty()) {
      return Future.succeededFuture(new Purged(0, 0));
    }
    return db.preparedQuery(PURGE_KEYS)
        .execute(Tuple.of((Object) keys.toArray(new String[0])))
        .map(
            rows -> {
              Row r = rows.iterator().next();
              return new Purged(r.getLong("deleted"), r.getLong("s3_left"));
            });
  }

  /**
   * The same statement over JDBC (the operator's {@code purge}), inside the caller's transaction.
   */
  public static Purged purgeKeys(Connection c, List<String> keys) throws SQLException {
    if (keys.isEmpty()) {
      return new Purged(0, 0);
    }
    try (PreparedStatement s = c.prepareStatement(Jdbc.sql(PURGE_KEYS))) {
      s.setArray(1, c.createArrayOf("text", keys.toArray()));
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return new Purged(rs.getLong("deleted"), rs.getLong("s3_left"));
      }
    }
  }

  private static List<Removed> removed(io.vertx.sqlclient.RowSet<Row> rows) {
    List<Removed> out = new ArrayList<>();
    rows.forEach(r -> out.add(new Removed(r.getString("store"), r.getString("object_key"))));
    return out;
  }

  private static StoredAudio audio(Row r) {
    return new StoredAudio(
        r.getLong("id"),
        r.getString("audio_key"),
        r.getString("source"),
        r.getString("content_type"),
        r.getLong("size"),
        r.getInteger("chunk_size"),
        r.getString("sha256"),
        r.getString("store"),
        r.getString("object_key"));
  }
}

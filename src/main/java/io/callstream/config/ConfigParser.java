package io.callstream.config;

import io.callstream.config.Config.Auth;
import io.callstream.config.Config.Cluster;
import io.callstream.config.Config.Database;
import io.callstream.config.Config.Demo;
import io.callstream.config.Config.ElevenLabs;
import io.callstream.config.Config.Http;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Builds a {@link Config} from the environment ({@link Settings}): reads every setting with its
 * default and bounds and checks the rules that span settings (docs/configuration.md).
 */
final class ConfigParser {
  static final int MIN_SECRET_BYTES = 32;

  private ConfigParser() {}

  static Config parse(Settings s) {
    int cores = Runtime.getRuntime().availableProcessors();
    Http http =
        new Http(
            s.integer("HTTP_PORT", 8080, 0, 65535),
            // one instance per two cores: the node's live-turn writer shares the first instance's
            // event loop (no thread
            // hop for its webhooks), and the cluster, PostgreSQL and the JIT need the other core
            // (BENCHMARKS.md)
            s.integer("HTTP_INSTANCES", Math.max(1, cores / 2), 1, 256),
            SettingParsers.roles(s.string("NODE_ROLES", "webhook,live,api")),
            s.integer("DRAIN_TIMEOUT_SECONDS", 10, 1, 600),
            s.string("HTTP_HOST", "0.0.0.0"),
            s.integer("HTTP_IDLE_TIMEOUT_SECONDS", 75, 0, 86_400),
            s.integer("HTTP_REQUEST_TIMEOUT_SECONDS", 120, 1, 86_400),
            SettingParsers.trustedProxies(s.string("TRUSTED_PROXIES", "")),
            SettingParsers.origins(s.string("CORS_ORIGINS", "")));
    Database db =
        database(s, s.integer("DB_POOL_SIZE", 8, 1, 1000))
            .withTimeouts(
                s.integer(
                    "DB_STATEMENT_TIMEOUT_MS",
                    Database.DEFAULT_STATEMENT_TIMEOUT_MS,
                    0,
                    86_400_000),
                s.integer("DB_LOCK_TIMEOUT_MS", Database.DEFAULT_LOCK_TIMEOUT_MS, 0, 86_400_000),
                s.integer(
                    "DB_IDLE_IN_TRANSACTION_TIMEOUT_MS",
                    Database.DEFAULT_IDLE_IN_TRANSACTION_TIMEOUT_MS,
                    0,
                    86_400_000));
    String secret = s.required("SECRET_KEY");
    if (secret.getBytes(StandardCharsets.UTF_8).length < MIN_SECRET_BYTES) {
      throw new ConfigException("SECRET_KEY must be at least " + MIN_SECRET_BYTES + " bytes long");
    }
    List<String> previousKeys =
        SettingParsers.previousKeys(s.optional("SECRET_KEYS_PREVIOUS"), MIN_SECRET_BYTES);
    Auth auth =
        new Auth(
            secret,
            s.integer("JWT_TTL_SECONDS", 3600, 10, 31_536_000),
            previousKeys,
            SessionConfig.from(s));
    boolean simulator = ElevenLabs.SIMULATOR.equalsIgnoreCase(s.string("ELEVENLABS_API_URL", ""));
    ElevenLabs el =
        new ElevenLabs(
            simulator ? null : s.url("ELEVENLABS_API_URL", "https://api.elevenlabs.io"),
            s.string("ELEVENLABS_API_KEY", simulator ? "sim_demo_key" : null),
            s.string("ELEVENLABS_AGENT_ID", simulator ? "agent_demo_simulator" : null),
            s.string("ELEVENLABS_PHONE_NUMBER_ID", simulator ? "phnum_demo_simulator" : null),
            s.integer("ELEVENLABS_API_TIMEOUT_MS", 10_000, 100, 600_000),
            simulator);
    boolean allowUnsigned = s.bool("WEBHOOK_ALLOW_UNSIGNED", false);
    String webhookSecret =
        allowUnsigned
            ? s.optional("ELEVENLABS_WEBHOOK_SECRET")
            : s.required("ELEVENLABS_WEBHOOK_SECRET");
    if (webhookSecret != null && SettingParsers.secretList(webhookSecret).isEmpty()) {
      throw new ConfigException("ELEVENLABS_WEBHOOK_SECRET must name at least one secret");
    }
    String transcriptionToken = s.optional("TRANSCRIPTION_WEBHOOK_TOKEN");
    if (transcriptionToken != null
        && transcriptionToken.getBytes(StandardCharsets.UTF_8).length < MIN_SECRET_BYTES) {
      throw new ConfigException(
          "TRANSCRIPTION_WEBHOOK_TOKEN must be at least " + MIN_SECRET_BYTES + " bytes long");
    }
    WebhookConfig webhooks =
        new WebhookConfig(
            webhookSecret,
            allowUnsigned,
            transcriptionToken,
            Path.of(s.string("WEBHOOK_SPOOL_DIR", System.getProperty("java.io.tmpdir"))),
            s.longValue("AUDIO_MAX_BYTES", 200L << 20, 1024),
            s.integer("WEBHOOK_MAX_CONCURRENT_SPOOLS", 8, 1, 10_000),
            s.integer("WRITER_MAX_QUEUE", 10_000, 1, 10_000_000),
            s.longValue("WRITER_MAX_QUEUE_BYTES", 64L << 20, 1L << 20),
            s.integer("WEBHOOK_DEADLINE_MS", 10_000, 100, 600_000),
            s.integer("SEARCH_INDEX_FLUSH_MS", 1_000, 0, 600_000),
            s.bool("EVENT_BUS_BATCHES", true));
    LiveConfig live =
        new LiveConfig(
            s.integer("WS_MAX_SUBSCRIPTIONS", 100, 1, 100_000),
            s.integer("WS_MAX_QUEUE_BYTES", 1 << 20, 4096, 1 << 30),
            s.integer("WS_PING_INTERVAL_SECONDS", 30, 1, 3600),
            s.integer("WS_MAX_SOCKETS_PER_USER", 16_000, 1, 1_000_000));
    if (http.idleTimeoutSeconds() > 0 && http.idleTimeoutSeconds() <= live.pingIntervalSeconds()) {
      // the pings are what keeps an idle dashboard socket from being closed as idle
      throw new ConfigException(
          "HTTP_IDLE_TIMEOUT_SECONDS ("
              + http.idleTimeoutSeconds()
              + ") must exceed WS_PING_INTERVAL_SECONDS ("
              + live.pingIntervalSeconds()
              + "), or be 0");
    }
    String configFile = s.optional("CLUSTER_CONFIG");
    Cluster cluster =
        new Cluster(
            s.bool("CLUSTER_ENABLED", false),
            s.string("CLUSTER_HOST", "127.0.0.1"),
            s.integer("CLUSTER_PORT", 5701, 1, 65535),
            SettingParsers.members(s.string("CLUSTER_MEMBERS", "")),
            configFile == null ? null : Path.of(configFile),
            s.integer("CLUSTER_HEARTBEAT_TIMEOUT_SECONDS", 5, 2, 600),
            s.integer("CLUSTER_BUS_PORT", 0, 0, 65535),
            TlsFiles.from(s),
            SettingParsers.clusterName(
                s.optional("CLUSTER_NAME"), s.optional("CLUSTER_NAME_FILE")));
    String logFormat = s.string("LOG_FORMAT", "text").toLowerCase(Locale.ROOT);
    if (!logFormat.equals("text") && !logFormat.equals("json")) {
      throw new ConfigException("LOG_FORMAT must be text or json, got '" + logFormat + "'");
    }
    int[] pacing = SettingParsers.pacing(s.string("DEMO_PACING_MS", "1000-4000"));
    // where Twilio and the demo simulator reach this service from outside (optional)
    URI publicBaseUrl =
        s.optional("PUBLIC_BASE_URL") == null ? null : s.url("PUBLIC_BASE_URL", null);
    Demo demo =
        new Demo(
            publicBaseUrl, pacing[0], pacing[1], s.integer("DEMO_FAILURE_PERCENT", 10, 0, 100));
    OpsConfig ops = OpsConfig.from(s);
    return new Config(
        http,
        db,
        auth,
        el,
        webhooks,
        live,
        cluster,
        logFormat,
        demo,
        TwilioConfig.from(s, publicBaseUrl),
        ops,
        ReconcileConfig.from(s),
        AudioConfig.from(s));
  }

  /**
   * DATABASE_URL and DB_SCHEMA; DB_PASSWORD (or DB_PASSWORD_FILE), when set, replaces the URL's
   * password.
   */
  static Database database(Settings s, int poolSize) {
    Database db = database(s.required("DATABASE_URL"), s.string("DB_SCHEMA", "public"), poolSize);
    String password = s.optional("DB_PASSWORD");
    return password == null
        ? db
        : new Database(
            db.host(),
            db.port(),
            db.database(),
            db.user(),
            password,
            db.schema(),
            db.poolSize(),
            db.tls(),
            db.statementTimeoutMs(),
            db.lockTimeoutMs(),
            db.idleInTransactionTimeoutMs());
  }

  static Database database(String url, String schema, int poolSize) {
    if (!schema.matches("[A-Za-z_][A-Za-z0-9_]{0,62}")) {
      throw new ConfigException("DB_SCHEMA must be a plain identifier, got '" + schema + "'");
    }
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(
          "DATABASE_URL is malformed (expected postgresql://user:pass@host:port/db)");
    }
    String scheme = uri.getScheme();
    if (!"postgresql".equals(scheme) && !"postgres".equals(scheme)
        || uri.getHost() == null
        || uri.getPath() == null
        || uri.getPath().length() < 2) {
      throw new ConfigException(
          "DATABASE_URL is malformed (expected postgresql://user:pass@host:port/db)");
    }
    String user = "postgres";
    String password = null;
    if (uri.getRawUserInfo() != null) {
      String[] parts = uri.getRawUserInfo().split(":", 2);
      user = decode(parts[0]);
      password = parts.length > 1 ? decode(parts[1]) : null;
    }
    return new Database(
        uri.getHost(),
        uri.getPort() < 0 ? 5432 : uri.getPort(),
        uri.getPath().substring(1),
        user,
        password,
        schema,
        poolSize,
        DatabaseTls.fromQuery(uri.getRawQuery()),
        Database.DEFAULT_STATEMENT_TIMEOUT_MS,
        Database.DEFAULT_LOCK_TIMEOUT_MS,
        Database.DEFAULT_IDLE_IN_TRANSACTION_TIMEOUT_MS);
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }
}

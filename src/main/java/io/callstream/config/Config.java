package io.callstream.config;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Typed, validated configuration of one node (docs/configuration.md). Built once at start-up from
 * {@link Settings}.
 */
public record Config(
    Http http,
    Database database,
    Auth auth,
    ElevenLabs elevenLabs,
    Webhooks webhooks,
    Live live,
    Cluster cluster,
    String logFormat,
    Demo demo,
    Twilio twilio,
    Ops ops,
    Reconcile reconcile,
    AudioConfig audio) {

  /**
   * Operations: the access log (one line per request) and error tracking (SENTRY_DSN; Sentry or
   * GlitchTip; unset = nothing is sent).
   */
  public record Ops(
      boolean accessLog, String sentryDsn, String sentryEnvironment, String sentryRelease) {
    @Override
    public String toString() {
      return "Ops[accessLog=" + accessLog + ", sentry=" + (sentryDsn == null ? "off" : "on") + "]";
    }
  }

  /** What a node serves (NODE_ROLES); not to be confused with a user's role (dispatcher, admin). */
  public enum NodeRole {
    WEBHOOK,
    LIVE,
    API
  }

  /**
   * {@code host}: the interface HTTP_PORT is bound to (HTTP_HOST; all interfaces by default).
   * {@code idleTimeoutSeconds}: a connection with no traffic either way is closed (0 = never;
   * WebSockets stay up because the server pings them more often). {@code requestTimeoutSeconds}:
   * the time a client has to send a request's headers and body. {@code trustedProxies}: peers whose
   * X-Forwarded-For is believed. {@code corsOrigins}: origins of a console served elsewhere
   * (CORS_ORIGINS).
   */
  public record Http(
      int port,
      int instances,
      Set<NodeRole> roles,
      int drainTimeoutSeconds,
      String host,
      int idleTimeoutSeconds,
      int requestTimeoutSeconds,
      List<IpRange> trustedProxies,
      List<String> corsOrigins) {
    public boolean has(NodeRole role) {
      return roles.contains(role);
    }
  }

  /**
   * {@code statementTimeoutMs}, {@code lockTimeoutMs}, {@code idleInTransactionTimeoutMs}: set on
   * every connection of every pool (DB_STATEMENT_TIMEOUT_MS, DB_LOCK_TIMEOUT_MS,
   * DB_IDLE_IN_TRANSACTION_TIMEOUT_MS; 0 = none).
   */
  public record Database(
      String host,
      int port,
      String database,
      String user,
      String password,
      String schema,
      int poolSize,
      DatabaseTls tls,
      int statementTimeoutMs,
      int lockTimeoutMs,
      int idleInTransactionTimeoutMs) {
    public static final int DEFAULT_STATEMENT_TIMEOUT_MS = 10_000;
    public static final int DEFAULT_LOCK_TIMEOUT_MS = 5_000;
    public static final int DEFAULT_IDLE_IN_TRANSACTION_TIMEOUT_MS = 60_000;

    /** The same database with other per-connection timeouts. */
    public Database withTimeouts(int statementMs, int lockMs, int idleInTransactionMs) {
      return new Database(
          host,
          port,
          database,
          user,
          password,
          schema,
          poolSize,
          tls,
          statementMs,
          lockMs,
          idleInTransactionMs);
    }

    /** With the TLS parameters, always followed by a query: append more parameters with '&'. */
    public String jdbcUrl() {
      return "jdbc:postgresql://" + host + ":" + port + "/" + database + "?" + tls.jdbcParameters();
    }

    @Override
    public String toString() {
      return "Database["
          + user
          + "@"
          + host
          + ":"
          + port
          + "/"
          + database
          + ", schema="
          + schema
          + ", sslmode="
          + tls.mode().value()
          + "]";
    }
  }

  /**
   * {@code secretKey} signs new JWTs (SECRET_KEY); {@code previousKeys} (SECRET_KEYS_PREVIOUS) only
   * verify tokens signed before a rotation (docs/secrets.md).
   */
  public record Auth(
      String secretKey, int jwtTtlSeconds, List<String> previousKeys, SessionConfig sessions) {
    public Auth(String secretKey, int jwtTtlSeconds) {
      this(secretKey, jwtTtlSeconds, List.of());
    }

    public Auth(String secretKey, int jwtTtlSeconds, List<String> previousKeys) {
      this(secretKey, jwtTtlSeconds, previousKeys, SessionConfig.DEFAULTS);
    }

    @Override
    public String toString() {
      return "Auth[secretKey=***, previousKeys="
          + previousKeys.size()
          + ", jwtTtlSeconds="
          + jwtTtlSeconds
          + ", "
          + sessions
          + "]";
    }
  }

  /**
   * With {@code simulator} (ELEVENLABS_API_URL=simulator, demo mode) apiUrl is null until the
   * built-in simulator has started ({@link #withApiUrl}), and the key, agent and phone-number id
   * default to dummy values.
   */
  public record ElevenLabs(
      URI apiUrl,
      String apiKey,
      String agentId,
      String phoneNumberId,
      int timeoutMs,
      boolean simulator) {
    public static final String SIMULATOR = "simulator";

    public boolean canDial() {
      return apiKey != null && agentId != null && phoneNumberId != null;
    }

    public ElevenLabs withApiUrl(URI url) {
      return new ElevenLabs(url, apiKey, agentId, phoneNumberId, timeoutMs, simulator);
    }

    @Override
    public String toString() {
      return "ElevenLabs["
          + (simulator ? SIMULATOR + " " : "")
          + apiUrl
          + ", apiKey="
          + (apiKey == null ? "unset" : "***")
          + "]";
    }
  }

  /**
   * Demo mode (io.callstream.demo): PUBLIC_BASE_URL (optional) is where the simulator sends its
   * webhooks, DEMO_PACING_MS ("1000-4000" or "10") the pause between turns, DEMO_FAILURE_PERCENT
   * the calls that fail.
   */
  public record Demo(URI publicBaseUrl, int pacingMinMs, int pacingMaxMs, int failurePercent) {}

  /**
   * {@code secret}: ELEVENLABS_WEBHOOK_SECRET, one secret or a comma-separated list during a
   * rotation: any of {@link #secrets} verifies, the first ({@link #signingSecret}) is what the demo
   * simulator signs with; {@code spoolDir}: WEBHOOK_SPOOL_DIR, where bodies over 1 MiB wait while
   * read (default java.io.tmpdir); {@code writerMaxQueue}/{@code writerMaxQueueBytes}: the
   * live-turn writer's queue bound (WRITER_MAX_QUEUE, WRITER_MAX_QUEUE_BYTES); {@code deadlineMs}:
   * a webhook not stored by then is answered 503 (WEBHOOK_DEADLINE_MS).
   */
  public record Webhooks(
      String secret,
      boolean allowUnsigned,
      String transcriptionToken,
      Path spoolDir,
      long audioMaxBytes,
      int maxConcurrentSpools,
      int writerMaxQueue,
      long writerMaxQueueBytes,
      int deadlineMs) {
    public List<String> secrets() {
      return SettingParsers.secretList(secret);
    }

    public String signingSecret() {
      return secret == null ? null : secrets().get(0);
    }

    @Override
    public String toString() {
      return "Webhooks[secret=***, allowUnsigned="
          + allowUnsigned
          + ", audioMaxBytes="
          + audioMaxBytes
          + "]";
    }
  }

  public record Live(
      int maxSubscriptions, int maxQueueBytes, int pingIntervalSeconds, int maxSocketsPerUser) {}

  /**
   * {@code busPort}: the event bus's TCP port (CLUSTER_BUS_PORT, 0 = any free port); {@code tls}:
   * the mutual TLS of the event bus, null when off (see TlsFiles); {@code name}: the Hazelcast
   * cluster name (CLUSTER_NAME or CLUSTER_NAME_FILE), a shared secret: a member presenting another
   * name is refused.
   */
  public record Cluster(
      boolean enabled,
      String host,
      int port,
      List<String> members,
      Path configFile,
      int heartbeatTimeoutSeconds,
      int busPort,
      TlsFiles tls,
      String name) {
    /**
     * The cluster name when none is set: public, so only for a single trusted host (a node warns).
     */
    public static final String DEFAULT_NAME = "callstream";

    /** Without TLS, on any free event-bus port, with the default cluster name. */
    public Cluster(
        boolean enabled,
        String host,
        int port,
        List<String> members,
        Path configFile,
        int heartbeatTimeoutSeconds) {
      this(
          enabled, host, port, members, configFile, heartbeatTimeoutSeconds, 0, null, DEFAULT_NAME);
    }

    @Override
    public String toString() {
      return "Cluster[enabled="
          + enabled
          + ", host="
          + host
          + ", port="
          + port
          + ", members="
          + members
          + ", configFile="
          + configFile
          + ", busPort="
          + busPort
          + ", tls="
          + tls
          + ", name=***]";
    }
  }

  /**
   * Inbound calls over Twilio (package twilio); the routes answer 503 while {@code authToken} is
   * unset.
   */
  public record Twilio(
      String authToken,
      String accountSid,
      boolean recordCalls,
      URI apiUrl,
      URI publicBaseUrl,
      String inboundAgentId,
      int registerTimeoutMs) {
    public boolean enabled() {
      return authToken != null;
    }

    static Twilio from(Settings s, URI publicBaseUrl) {
      Twilio t =
          new Twilio(
              s.optional("TWILIO_AUTH_TOKEN"),
              s.optional("TWILIO_ACCOUNT_SID"),
              s.bool("TWILIO_RECORD_CALLS", false),
              s.url("TWILIO_API_URL", "https://api.twilio.com"),
              publicBaseUrl,
              s.string("ELEVENLABS_INBOUND_AGENT_ID", s.optional("ELEVENLABS_AGENT_ID")),
              s.integer("TWILIO_REGISTER_TIMEOUT_MS", 5000, 100, 14_000));
      if (t.recordCalls() && (t.authToken() == null || t.accountSid() == null)) {
        throw new ConfigException(
            "TWILIO_RECORD_CALLS=true needs TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN");
      }
      return t;
    }

    @Override
    public String toString() {
      return "Twilio[authToken="
          + (authToken == null ? "unset" : "***")
          + ", recordCalls="
          + recordCalls
          + "]";
    }
  }

  /**
   * The reconciler (io.callstream.reconcile): every {@code intervalSeconds} one node settles calls
   * that have been stuck longer than {@code afterSeconds}, asking ElevenLabs about at most {@code
   * maxFetchesPerCycle} of them; with {@code dataRetentionDays} above 0 the leader also purges
   * ended calls and applied inbox rows older than that.
   */
  public record Reconcile(
      boolean enabled,
      int intervalSeconds,
      int afterSeconds,
      int maxFetchesPerCycle,
      int parkedRetentionHours,
      int dataRetentionDays) {
    static Reconcile from(Settings s) {
      return new Reconcile(
          s.bool("RECONCILE_ENABLED", true),
          s.integer("RECONCILE_INTERVAL_SECONDS", 60, 1, 86_400),
          s.integer("RECONCILE_AFTER_SECONDS", 900, 1, 604_800),
          s.integer("RECONCILE_MAX_FETCHES_PER_CYCLE", 20, 0, 10_000),
          s.integer("INBOX_PARKED_RETENTION_HOURS", 72, 1, 87_600),
          s.integer("DATA_RETENTION_DAYS", 0, 0, 36_500));
    }
  }

  public static final int MIN_SECRET_BYTES = 32;

  public static Config from(Settings s) {
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
    Webhooks webhooks =
        new Webhooks(
            webhookSecret,
            allowUnsigned,
            transcriptionToken,
            Path.of(s.string("WEBHOOK_SPOOL_DIR", System.getProperty("java.io.tmpdir"))),
            s.longValue("AUDIO_MAX_BYTES", 200L << 20, 1024),
            s.integer("WEBHOOK_MAX_CONCURRENT_SPOOLS", 8, 1, 10_000),
            s.integer("WRITER_MAX_QUEUE", 10_000, 1, 10_000_000),
            s.longValue("WRITER_MAX_QUEUE_BYTES", 64L << 20, 1L << 20),
            s.integer("WEBHOOK_DEADLINE_MS", 10_000, 100, 600_000));
    Live live =
        new Live(
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
    Ops ops =
        new Ops(
            s.bool("ACCESS_LOG", true),
            s.optional("SENTRY_DSN"),
            s.optional("SENTRY_ENVIRONMENT"),
            s.optional("SENTRY_RELEASE"));
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
        Twilio.from(s, publicBaseUrl),
        ops,
        Reconcile.from(s),
        AudioConfig.from(s));
  }

  /**
   * The same config talking to another ElevenLabs API (the demo simulator's, once it has started).
   */
  public Config withElevenLabs(ElevenLabs elevenLabs) {
    return new Config(
        http,
        database,
        auth,
        elevenLabs,
        webhooks,
        live,
        cluster,
        logFormat,
        demo,
        twilio,
        ops,
        reconcile,
        audio);
  }

  /**
   * DATABASE_URL and DB_SCHEMA; DB_PASSWORD (or DB_PASSWORD_FILE), when set, replaces the URL's
   * password.
   */
  public static Database database(Settings s, int poolSize) {
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

  public static Database database(String url, String schema, int poolSize) {
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

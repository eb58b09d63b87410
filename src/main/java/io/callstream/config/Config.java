package io.callstream.config;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
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
    WebhookConfig webhooks,
    LiveConfig live,
    Cluster cluster,
    String logFormat,
    Demo demo,
    TwilioConfig twilio,
    OpsConfig ops,
    ReconcileConfig reconcile,
    AudioConfig audio) {

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

  public static Config from(Settings s) {
    return ConfigParser.parse(s);
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
    return ConfigParser.database(s, poolSize);
  }

  /** DATABASE_URL (postgresql://user:pass@host:port/db?sslmode=…) in schema {@code schema}. */
  public static Database database(String url, String schema, int poolSize) {
    return ConfigParser.database(url, schema, poolSize);
  }
}

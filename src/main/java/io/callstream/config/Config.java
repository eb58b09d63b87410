package io.callstream.config;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Typed, validated configuration of one node (contract §5). Built once at start-up from {@link Settings}. */
public record Config(
    Http http, Database database, Auth auth, ElevenLabs elevenLabs, Webhooks webhooks, Live live,
    Cluster cluster, String logFormat) {

  /** What a node serves (NODE_ROLES); not to be confused with a user's role (dispatcher, admin). */
  public enum NodeRole { WEBHOOK, LIVE, API }

  /**
   * {@code idleTimeoutSeconds}: a connection with no traffic either way is closed (0 = never; WebSockets stay up
   * because the server pings them more often). {@code requestTimeoutSeconds}: the time a client has to send a
   * request's headers and body. {@code trustedProxies}: peers whose X-Forwarded-For is believed.
   */
  public record Http(int port, int instances, Set<NodeRole> roles, int drainTimeoutSeconds, int idleTimeoutSeconds,
                     int requestTimeoutSeconds, List<IpRange> trustedProxies) {
    public boolean has(NodeRole role) {
      return roles.contains(role);
    }
  }

  public record Database(String host, int port, String database, String user, String password,
                         String schema, int poolSize) {
    public String jdbcUrl() {
      return "jdbc:postgresql://" + host + ":" + port + "/" + database;
    }

    @Override
    public String toString() {
      return "Database[" + user + "@" + host + ":" + port + "/" + database + ", schema=" + schema + "]";
    }
  }

  public record Auth(String secretKey, int jwtTtlSeconds) {
    @Override
    public String toString() {
      return "Auth[secretKey=***, jwtTtlSeconds=" + jwtTtlSeconds + "]";
    }
  }

  public record ElevenLabs(URI apiUrl, String apiKey, String agentId, String phoneNumberId, int timeoutMs) {
    public boolean canDial() {
      return apiKey != null && agentId != null && phoneNumberId != null;
    }

    @Override
    public String toString() {
      return "ElevenLabs[" + apiUrl + ", apiKey=" + (apiKey == null ? "unset" : "***") + "]";
    }
  }

  public record Webhooks(String secret, boolean allowUnsigned, String transcriptionToken, Path audioDir,
                         long audioMaxBytes, int maxConcurrentSpools) {
    @Override
    public String toString() {
      return "Webhooks[secret=***, allowUnsigned=" + allowUnsigned + ", audioDir=" + audioDir + "]";
    }
  }

  public record Live(int maxSubscriptions, int maxQueueBytes, int pingIntervalSeconds, int maxSocketsPerUser) {}

  public record Cluster(boolean enabled, String host, int port, List<String> members, Path configFile,
                        int heartbeatTimeoutSeconds) {}

  public static final int MIN_SECRET_BYTES = 32;

  public static Config from(Settings s) {
    int cores = Runtime.getRuntime().availableProcessors();
    Http http = new Http(
        s.integer("HTTP_PORT", 8080, 0, 65535),
        s.integer("HTTP_INSTANCES", cores, 1, 256),
        roles(s.string("NODE_ROLES", "webhook,live,api")),
        s.integer("DRAIN_TIMEOUT_SECONDS", 10, 1, 600),
        s.integer("HTTP_IDLE_TIMEOUT_SECONDS", 75, 0, 86_400),
        s.integer("HTTP_REQUEST_TIMEOUT_SECONDS", 120, 1, 86_400),
        trustedProxies(s.string("TRUSTED_PROXIES", "")));
    Database db = database(s.required("DATABASE_URL"), s.string("DB_SCHEMA", "public"),
        s.integer("DB_POOL_SIZE", 8, 1, 1000));
    String secret = s.required("SECRET_KEY");
    if (secret.getBytes(StandardCharsets.UTF_8).length < MIN_SECRET_BYTES) {
      throw new ConfigException("SECRET_KEY must be at least " + MIN_SECRET_BYTES + " bytes long");
    }
    Auth auth = new Auth(secret, s.integer("JWT_TTL_SECONDS", 3600, 10, 31_536_000));
    ElevenLabs el = new ElevenLabs(
        s.url("ELEVENLABS_API_URL", "https://api.elevenlabs.io"),
        s.optional("ELEVENLABS_API_KEY"), s.optional("ELEVENLABS_AGENT_ID"), s.optional("ELEVENLABS_PHONE_NUMBER_ID"),
        s.integer("ELEVENLABS_API_TIMEOUT_MS", 10_000, 100, 600_000));
    boolean allowUnsigned = s.bool("WEBHOOK_ALLOW_UNSIGNED", false);
    String webhookSecret = allowUnsigned ? s.optional("ELEVENLABS_WEBHOOK_SECRET") : s.required("ELEVENLABS_WEBHOOK_SECRET");
    String audioDir = s.optional("AUDIO_DIR");
    Webhooks webhooks = new Webhooks(webhookSecret, allowUnsigned, s.optional("TRANSCRIPTION_WEBHOOK_TOKEN"),
        audioDir == null ? null : Path.of(audioDir), s.longValue("AUDIO_MAX_BYTES", 200L << 20, 1024),
        s.integer("WEBHOOK_MAX_CONCURRENT_SPOOLS", 8, 1, 10_000));
    Live live = new Live(
        s.integer("WS_MAX_SUBSCRIPTIONS", 100, 1, 100_000),
        s.integer("WS_MAX_QUEUE_BYTES", 1 << 20, 4096, 1 << 30),
        s.integer("WS_PING_INTERVAL_SECONDS", 30, 1, 3600),
        s.integer("WS_MAX_SOCKETS_PER_USER", 20, 1, 100_000));
    if (http.idleTimeoutSeconds() > 0 && http.idleTimeoutSeconds() <= live.pingIntervalSeconds()) {
      // the pings are what keeps an idle dashboard socket from being closed as idle
      throw new ConfigException("HTTP_IDLE_TIMEOUT_SECONDS (" + http.idleTimeoutSeconds()
          + ") must exceed WS_PING_INTERVAL_SECONDS (" + live.pingIntervalSeconds() + "), or be 0");
    }
    String configFile = s.optional("CLUSTER_CONFIG");
    Cluster cluster = new Cluster(
        s.bool("CLUSTER_ENABLED", false),
        s.string("CLUSTER_HOST", "127.0.0.1"),
        s.integer("CLUSTER_PORT", 5701, 1, 65535),
        members(s.string("CLUSTER_MEMBERS", "")),
        configFile == null ? null : Path.of(configFile),
        s.integer("CLUSTER_HEARTBEAT_TIMEOUT_SECONDS", 5, 2, 600));
    String logFormat = s.string("LOG_FORMAT", "text").toLowerCase(Locale.ROOT);
    if (!logFormat.equals("text") && !logFormat.equals("json")) {
      throw new ConfigException("LOG_FORMAT must be text or json, got '" + logFormat + "'");
    }
    return new Config(http, db, auth, el, webhooks, live, cluster, logFormat);
  }

  static Set<NodeRole> roles(String value) {
    EnumSet<NodeRole> roles = EnumSet.noneOf(NodeRole.class);
    for (String part : value.split(",")) {
      String name = part.trim().toUpperCase(Locale.ROOT);
      if (name.isEmpty()) {
        continue;
      }
      try {
        roles.add(NodeRole.valueOf(name));
      } catch (IllegalArgumentException e) {
        throw new ConfigException("NODE_ROLES: unknown role '" + part.trim() + "' (use webhook, live, api)");
      }
    }
    if (roles.isEmpty()) {
      throw new ConfigException("NODE_ROLES must name at least one of webhook, live, api");
    }
    return roles;
  }

  static List<IpRange> trustedProxies(String value) {
    try {
      return IpRange.parseList(value);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("TRUSTED_PROXIES: " + e.getMessage());
    }
  }

  static List<String> members(String value) {
    List<String> members = Arrays.stream(value.split(",")).map(String::trim).filter(m -> !m.isEmpty()).toList();
    for (String m : members) {
      int colon = m.lastIndexOf(':');
      boolean ok = colon > 0;
      if (ok) {
        try {
          int p = Integer.parseInt(m.substring(colon + 1));
          ok = p > 0 && p < 65536;
        } catch (NumberFormatException e) {
          ok = false;
        }
      }
      if (!ok) {
        throw new ConfigException("CLUSTER_MEMBERS: '" + m + "' is not host:port");
      }
    }
    return members;
  }

  public static Database database(String url, String schema, int poolSize) {
    if (!schema.matches("[A-Za-z_][A-Za-z0-9_]{0,62}")) {
      throw new ConfigException("DB_SCHEMA must be a plain identifier, got '" + schema + "'");
    }
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("DATABASE_URL is malformed (expected postgresql://user:pass@host:port/db)");
    }
    String scheme = uri.getScheme();
    if (!"postgresql".equals(scheme) && !"postgres".equals(scheme) || uri.getHost() == null
        || uri.getPath() == null || uri.getPath().length() < 2) {
      throw new ConfigException("DATABASE_URL is malformed (expected postgresql://user:pass@host:port/db)");
    }
    String user = "postgres";
    String password = null;
    if (uri.getRawUserInfo() != null) {
      String[] parts = uri.getRawUserInfo().split(":", 2);
      user = decode(parts[0]);
      password = parts.length > 1 ? decode(parts[1]) : null;
    }
    return new Database(uri.getHost(), uri.getPort() < 0 ? 5432 : uri.getPort(), uri.getPath().substring(1),
        user, password, schema, poolSize);
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }
}

package io.callstream.app;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * java.util.logging set up for one line per record: readable text by default, JSON lines with
 * LOG_FORMAT=json. Vert.x, Netty, Hazelcast, Flyway and the JDBC driver all log through it.
 * Hazelcast and Flyway are quieted.
 */
public final class Logging {
  /**
   * JUL keeps loggers weakly: a level set on an unreferenced logger is lost when it is collected.
   */
  private static final List<Logger> CONFIGURED = new CopyOnWriteArrayList<>();

  private Logging() {}

  private static void level(String name, Level level) {
    Logger logger = Logger.getLogger(name);
    logger.setLevel(level);
    CONFIGURED.add(logger);
  }

  public static void configure(String format) {
    System.setProperty("hazelcast.logging.type", "jdk");
    LogManager.getLogManager().reset();
    Logger root = Logger.getLogger("");
    Handler handler = new ConsoleHandler();
    handler.setLevel(Level.ALL);
    handler.setFormatter("json".equals(format) ? new JsonFormatter() : new TextFormatter());
    root.addHandler(handler);
    root.setLevel(Level.INFO);
    level("com.hazelcast", Level.WARNING);
    level(
        "com.hazelcast.cp",
        Level.SEVERE); // "CP Subsystem is not enabled": callstream uses no CP structures
    level("org.flywaydb", Level.WARNING);
    level("io.netty", Level.WARNING);
    level("io.micrometer", Level.SEVERE);
    // the per-request lines (access, webhook, ws) go through a queue to a writer thread: an event
    // loop never waits
    // for the console, and a burst of requests costs one write per batch instead of a write and
    // flush per line
    Handler lines = new QueuedLineHandler(handler.getFormatter());
    for (String name : STRUCTURED) {
      Logger logger = Logger.getLogger(name);
      logger.setUseParentHandlers(false);
      logger.addHandler(lines);
      CONFIGURED.add(logger);
    }
  }

  /**
   * Queues the record (formatted on the writer thread) (bounded: when the writer falls behind,
   * lines are dropped and counted rather than blocking an event loop) and writes batches to
   * standard error from a daemon thread.
   */
  static final class QueuedLineHandler extends Handler {
    private final BlockingQueue<LogRecord> queue = new ArrayBlockingQueue<>(65_536);
    private final AtomicLong dropped = new AtomicLong();

    QueuedLineHandler(Formatter formatter) {
      setFormatter(formatter);
      Thread writer = new Thread(this::drain, "callstream-log-writer");
      writer.setDaemon(true);
      writer.start();
      Runtime.getRuntime().addShutdownHook(new Thread(this::flush, "callstream-log-flush"));
    }

    @Override
    public void publish(LogRecord r) {
      // formatting (timestamps, escaping) happens on the writer thread, not on the event loop
      if (isLoggable(r) && !queue.offer(r)) {
        dropped.incrementAndGet();
      }
    }

    /**
     * Writes what queued up every 20 ms: one write per batch, and no wake-up (context switch) per
     * line.
     */
    private void drain() {
      List<LogRecord> batch = new ArrayList<>(1024);
      while (!Thread.currentThread().isInterrupted()) {
        queue.drainTo(batch, 8192);
        if (batch.isEmpty()) {
          LockSupport.parkNanos(20_000_000L);
          continue;
        }
        write(batch);
        batch.clear();
      }
    }

    private synchronized void write(List<LogRecord> batch) {
      StringBuilder sb = new StringBuilder(batch.size() * 128);
      long lost = dropped.getAndSet(0);
      if (lost > 0) {
        sb.append(Instant.now())
            .append(" WARNING Logging - ")
            .append(lost)
            .append(" log lines dropped: the console could not keep up\n");
      }
      batch.forEach(r -> sb.append(getFormatter().format(r)));
      System.err.print(sb);
      System.err.flush();
    }

    @Override
    public void flush() {
      List<LogRecord> rest = new ArrayList<>();
      queue.drainTo(rest);
      if (!rest.isEmpty()) {
        write(rest);
      }
    }

    @Override
    public void close() {
      flush();
    }
  }

  private static String thrown(LogRecord r) {
    if (r.getThrown() == null) {
      return null;
    }
    StringWriter sw = new StringWriter();
    r.getThrown().printStackTrace(new PrintWriter(sw));
    return sw.toString();
  }

  private static String shortName(String logger) {
    if (logger == null) {
      return "-";
    }
    int dot = logger.lastIndexOf('.');
    return dot < 0 ? logger : logger.substring(dot + 1);
  }

  static final class TextFormatter extends Formatter {
    @Override
    public String format(LogRecord r) {
      StringBuilder sb =
          new StringBuilder(128)
              .append(Instant.ofEpochMilli(r.getMillis()))
              .append(' ')
              .append(r.getLevel().getName())
              .append(' ')
              .append(shortName(r.getLoggerName()))
              .append(" - ")
              .append(formatMessage(r))
              .append('\n');
      String t = thrown(r);
      return t == null ? sb.toString() : sb.append(t).toString();
    }
  }

  /**
   * Loggers whose lines are {@code event key=value ...}: in JSON each key becomes a field of its
   * own.
   */
  static final Set<String> STRUCTURED =
      Set.of("callstream.access", "callstream.webhook", "callstream.ws");

  /**
   * Appends {@code ,"event":...,"key":"value"...} for a line {@code event key=value key="quoted
   * value"}.
   */
  static void fields(StringBuilder sb, String line) {
    int space = line.indexOf(' ');
    sb.append(",\"event\":");
    JsonFormatter.quote(sb, space < 0 ? line : line.substring(0, space));
    int i = space < 0 ? line.length() : space + 1;
    while (i < line.length()) {
      int eq = line.indexOf('=', i);
      if (eq < 0) {
        break;
      }
      String key = line.substring(i, eq);
      int end;
      String value;
      if (eq + 1 < line.length() && line.charAt(eq + 1) == '"') {
        end = line.indexOf('"', eq + 2);
        end = end < 0 ? line.length() : end;
        value = line.substring(eq + 2, end);
        end = Math.min(line.length(), end + 1);
      } else {
        end = line.indexOf(' ', eq);
        end = end < 0 ? line.length() : end;
        value = line.substring(eq + 1, end);
      }
      sb.append(',');
      JsonFormatter.quote(sb, key);
      sb.append(':');
      JsonFormatter.quote(sb, value);
      i = end + 1;
    }
  }

  static final class JsonFormatter extends Formatter {
    @Override
    public String format(LogRecord r) {
      StringBuilder sb =
          new StringBuilder(160)
              .append("{\"ts\":\"")
              .append(Instant.ofEpochMilli(r.getMillis()))
              .append("\",\"level\":\"")
              .append(r.getLevel().getName())
              .append("\",\"logger\":");
      quote(sb, r.getLoggerName());
      sb.append(",\"msg\":");
      String message = formatMessage(r);
      quote(sb, message);
      if (r.getLoggerName() != null && STRUCTURED.contains(r.getLoggerName())) {
        fields(sb, message);
      }
      String t = thrown(r);
      if (t != null) {
        sb.append(",\"error\":");
        quote(sb, t);
      }
      return sb.append("}\n").toString();
    }

    private static void quote(StringBuilder sb, String s) {
      if (s == null) {
        sb.append("null");
        return;
      }
      sb.append('"');
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        switch (c) {
          case '"' -> sb.append("\\\"");
          case '\\' -> sb.append("\\\\");
          case '\n' -> sb.append("\\n");
          case '\r' -> sb.append("\\r");
          case '\t' -> sb.append("\\t");
          default -> {
            if (c < 0x20) {
              sb.append(String.format("\\u%04x", (int) c));
            } else {
              sb.append(c);
            }
          }
        }
      }
      sb.append('"');
    }
  }
}

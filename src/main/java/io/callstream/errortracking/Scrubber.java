package io.callstream.errortracking;

import io.sentry.Hint;
import io.sentry.SentryEvent;
import io.sentry.protocol.Message;
import io.sentry.protocol.SentryException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What leaves the process for the error tracker. Exception messages of a call-handling service can
 * carry tokens (a WebSocket URL's {@code ?token=}), signatures, phone numbers and transcript text
 * (a JSON body, a record's toString), so every string an event carries is rewritten here, in
 * Sentry's beforeSend, whoever captured it (our calls or the SDK's uncaught-exception handler).
 * Over-redaction is accepted: the stack trace and the exception type locate a bug; the message is a
 * hint.
 */
final class Scrubber {
  static final int MAX_LENGTH = 300;

  /** A JWT (header.payload[.signature]); both JSON parts start with {" = eyJ. */
  private static final Pattern JWT =
      Pattern.compile("eyJ[A-Za-z0-9_-]*\\.eyJ[A-Za-z0-9_-]*(?:\\.[A-Za-z0-9_-]*)?");

  /** Anything after token= / secret= / password= / api_key= / signature= up to a delimiter. */
  private static final Pattern SECRET_PARAM =
      Pattern.compile(
          "(?i)([a-z_-]*(?:token|secret|password|passwd|api[_-]?key|signature)[a-z_-]*=)[^\\s&\"',;)\\]}]*");

  private static final Pattern BEARER = Pattern.compile("(?i)(bearer\\s+)[^\\s\"',;]+");

  /** Quoted text: JSON values, parser complaints ("Unrecognized token 'xyz'"), SQL values. */
  private static final Pattern DOUBLE_QUOTED = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"");

  private static final Pattern SINGLE_QUOTED = Pattern.compile("'[^']*'");

  /**
   * A record's or map's toString field holding free text: up to the next "key=" or the closing
   * bracket.
   */
  private static final Pattern TEXT_FIELD =
      Pattern.compile(
          "(?i)\\b(message_text|message|text|transcript[a-z_]*|summary|body|analysis[a-z_]*)=.*?(?=, ?[A-Za-z_]+=|[\\]})]|$)");

  /** E.164 phone numbers (drivers, callers). */
  private static final Pattern PHONE = Pattern.compile("\\+[1-9][0-9]{6,14}");

  private Scrubber() {}

  static String text(String s) {
    if (s == null) {
      return null;
    }
    String out = JWT.matcher(s).replaceAll("[jwt]");
    out = SECRET_PARAM.matcher(out).replaceAll("$1[redacted]");
    out = BEARER.matcher(out).replaceAll("$1[redacted]");
    out = DOUBLE_QUOTED.matcher(out).replaceAll("\"[redacted]\"");
    out = SINGLE_QUOTED.matcher(out).replaceAll("'[redacted]'");
    out = TEXT_FIELD.matcher(out).replaceAll("$1=[redacted]");
    out = PHONE.matcher(out).replaceAll("[phone]");
    return out.length() > MAX_LENGTH ? out.substring(0, MAX_LENGTH) + "..." : out;
  }

  /** A route template for a tag: never a query string, even if a caller passed the raw URI. */
  static String route(String route) {
    if (route == null || route.isBlank()) {
      return "unmatched";
    }
    int query = route.indexOf('?');
    return text(query < 0 ? route : route.substring(0, query));
  }

  /**
   * Sentry's beforeSend: drops request data, user and breadcrumbs; rewrites every remaining string.
   */
  static SentryEvent event(SentryEvent event, Hint hint) {
    event.setRequest(null);
    event.setUser(null);
    event.setBreadcrumbs(null);
    Message message = event.getMessage();
    if (message != null) {
      message.setFormatted(text(message.getFormatted()));
      message.setMessage(text(message.getMessage()));
      message.setParams(null);
    }
    if (event.getExceptions() != null) {
      for (SentryException e : event.getExceptions()) {
        e.setValue(text(e.getValue()));
      }
    }
    if (event.getTags() != null) {
      Map<String, String> tags = new LinkedHashMap<>();
      event.getTags().forEach((k, v) -> tags.put(k, text(v)));
      event.setTags(tags);
    }
    if (event.getExtras() != null) {
      Map<String, Object> extras = new LinkedHashMap<>();
      event
          .getExtras()
          .forEach(
              (k, v) ->
                  extras.put(
                      k,
                      v instanceof Number || v instanceof Boolean ? v : text(String.valueOf(v))));
      event.setExtras(extras);
    }
    event.setTransaction(text(event.getTransaction()));
    return event;
  }
}

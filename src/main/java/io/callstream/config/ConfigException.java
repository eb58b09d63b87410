package io.callstream.config;

/**
 * A missing or malformed setting. Its message is the one line printed before start-up stops (exit
 * code 2).
 */
public final class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message, null, false, false);
  }
}

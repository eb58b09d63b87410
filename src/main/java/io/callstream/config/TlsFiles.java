package io.callstream.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The PEM files of the cluster's mutual TLS (CLUSTER_TLS_CERT, CLUSTER_TLS_KEY, CLUSTER_TLS_CA):
 * this node's certificate and private key, and the private CA that signed every member's
 * certificate. All three or none. The files are read once here, at start-up before any event loop
 * exists, so that a wrong path or a swapped file stops the node with a configuration error (exit 2)
 * instead of a TLS failure later.
 */
public record TlsFiles(Path cert, Path key, Path ca) {
  static final String CERT = "CLUSTER_TLS_CERT";
  static final String KEY = "CLUSTER_TLS_KEY";
  static final String CA = "CLUSTER_TLS_CA";

  /** The files, or null when none of the three settings is set. */
  static TlsFiles from(Settings s) {
    String cert = s.optional(CERT);
    String key = s.optional(KEY);
    String ca = s.optional(CA);
    if (cert == null && key == null && ca == null) {
      return null;
    }
    List<String> missing = new ArrayList<>();
    if (cert == null) {
      missing.add(CERT);
    }
    if (key == null) {
      missing.add(KEY);
    }
    if (ca == null) {
      missing.add(CA);
    }
    if (!missing.isEmpty()) {
      throw new ConfigException(
          CERT
              + ", "
              + KEY
              + " and "
              + CA
              + " must be set together (missing: "
              + String.join(", ", missing)
              + ")");
    }
    return new TlsFiles(
        pem(CERT, cert, "CERTIFICATE"), pem(KEY, key, "PRIVATE KEY"), pem(CA, ca, "CERTIFICATE"));
  }

  /**
   * Checks that the file is readable and holds a PEM block of the expected kind (e.g. not a key
   * given as cert).
   */
  static Path pem(String setting, String value, String kind) {
    Path path = Path.of(value);
    String text;
    try {
      // Latin-1 decodes any bytes: a binary file (e.g. DER) is then reported by the check below
      text = Files.readString(path, StandardCharsets.ISO_8859_1);
    } catch (IOException | SecurityException e) {
      throw new ConfigException(setting + ": cannot read '" + value + "'");
    }
    // "-----BEGIN CERTIFICATE-----", "-----BEGIN PRIVATE KEY-----", "-----BEGIN RSA PRIVATE
    // KEY-----", ...
    if (!text.matches("(?s).*-----BEGIN [A-Z ]*" + kind + "-----.*")) {
      throw new ConfigException(setting + ": '" + value + "' holds no PEM " + kind);
    }
    if (text.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----")) {
      throw new ConfigException(
          setting
              + ": '"
              + value
              + "' is encrypted; give the key unencrypted (protect the "
              + "file instead)");
    }
    return path;
  }
}

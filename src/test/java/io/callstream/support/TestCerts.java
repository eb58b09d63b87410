package io.callstream.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway cluster CA and node certificate made by bin/cluster-certs (the openssl CLI) in a
 * temporary directory: no private key is committed. Each call makes a new, unrelated CA.
 */
public record TestCerts(Path dir, Path ca, Path cert, Path key) {

  public static TestCerts generate() {
    try {
      Path dir = Files.createTempDirectory("callstream-certs");
      Process p =
          new ProcessBuilder("bin/cluster-certs", dir.resolve("tls").toString())
              .redirectErrorStream(true)
              .start();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("bin/cluster-certs did not finish");
      }
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (p.exitValue() != 0) {
        throw new IllegalStateException("bin/cluster-certs failed: " + out);
      }
      Path tls = dir.resolve("tls");
      return new TestCerts(
          dir, tls.resolve("ca.crt"), tls.resolve("node.crt"), tls.resolve("node.key"));
    } catch (IOException e) {
      throw new IllegalStateException("cannot run bin/cluster-certs (is openssl installed?)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The node settings that turn the event bus's mutual TLS on with these files. */
  public Map<String, String> settings() {
    return Map.of(
        "CLUSTER_TLS_CERT",
        cert.toString(),
        "CLUSTER_TLS_KEY",
        key.toString(),
        "CLUSTER_TLS_CA",
        ca.toString());
  }

  public void delete() {
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException ignored) {
      // a temporary directory
    }
  }
}

package io.callstream.app;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

/**
 * What this build is: the Maven project version (the filtered resource {@code
 * io/callstream/build.properties}) and the git commit it was built from ({@code
 * io/callstream/build-commit.txt}, written by the build; "unknown" outside a git checkout). Read
 * once, from the class path.
 */
public record BuildInfo(String version, String commit) {
  public static final BuildInfo CURRENT = load();

  private static BuildInfo load() {
    Properties p = new Properties();
    try (InputStream in = BuildInfo.class.getResourceAsStream("/io/callstream/build.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      // stays unknown
    }
    String commit = "unknown";
    try (InputStream in = BuildInfo.class.getResourceAsStream("/io/callstream/build-commit.txt")) {
      if (in != null) {
        String text = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        commit = text.isEmpty() ? commit : text;
      }
    } catch (IOException e) {
      // stays unknown
    }
    String version = p.getProperty("version", "unknown");
    return new BuildInfo(version.startsWith("${") ? "unknown" : version, commit);
  }

  /** {@code callstream 0.1.0 (commit 6ca52412a6a5)}. */
  public String describe() {
    return "callstream " + version + " (commit " + commit + ")";
  }
}

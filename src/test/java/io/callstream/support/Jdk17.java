package io.callstream.support;

import java.nio.file.Files;
import java.nio.file.Path;

/** A JDK 17, the oldest Java callstream supports: for the test that the jar still runs on it. */
public final class Jdk17 {
  private static final Path DEBIAN = Path.of("/usr/lib/jvm/java-17-openjdk-amd64");

  private Jdk17() {}

  /**
   * -Dcallstream.jdk17, else the JDK running the tests when it is a 17, else Debian's openjdk-17.
   */
  public static Path home() {
    String configured = System.getProperty("callstream.jdk17");
    Path home;
    if (configured != null && !configured.isBlank()) {
      home = Path.of(configured);
    } else if (Runtime.version().feature() == 17) {
      home = Path.of(System.getProperty("java.home"));
    } else {
      home = DEBIAN;
    }
    if (!Files.isExecutable(home.resolve("bin/java"))) {
      throw new IllegalStateException(
          "no JDK 17 at "
              + home
              + ": install one (openjdk-17-jre-headless) or set "
              + "-Dcallstream.jdk17=<its home>");
    }
    return home;
  }
}

package io.callstream.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The project's nginx configuration (docker/nginx/callstream.conf.template, rendered by
 * bin/render-nginx exactly as bin/run --nodes renders it) in front of the given loopback ports, on
 * a free port.
 */
public final class Nginx implements AutoCloseable {
  private final Path dir;
  private final int port;

  private Nginx(Path dir, int port) {
    this.dir = dir;
    this.port = port;
  }

  public static Nginx start(List<Integer> upstreamPorts) throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("callstream-nginx-");
    // run as root, nginx's workers are 'nobody': they must reach the temp paths under this
    // directory to buffer a
    // request body over client_body_buffer_size (1 MiB) to disk, or nginx answers 500 (Permission
    // denied)
    Files.setPosixFilePermissions(
        dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    int port = Ports.free();
    StringBuilder upstreams = new StringBuilder();
    for (int p : upstreamPorts) {
      upstreams.append("server 127.0.0.1:").append(p).append(" max_fails=1 fail_timeout=5s; ");
    }
    run(List.of("bin/render-nginx", dir.toString(), String.valueOf(port), upstreams.toString()));
    run(List.of(binary(), "-c", dir.resolve("nginx.conf").toString(), "-p", dir.toString()));
    return new Nginx(dir, port);
  }

  private static String binary() {
    return Files.isExecutable(Path.of("/usr/sbin/nginx")) ? "/usr/sbin/nginx" : "nginx";
  }

  private static void run(List<String> command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
    }
  }

  /** The access log nginx writes for this configuration. */
  public Path accessLog() {
    return dir.resolve("logs/access.log");
  }

  /**
   * nginx's error log for this configuration (the main one and the template's
   * ${CALLSTREAM_ERROR_LOG}).
   */
  public Path errorLog() {
    return dir.resolve("logs/error.log");
  }

  public int port() {
    return port;
  }

  @Override
  public void close() throws Exception {
    run(
        List.of(
            binary(),
            "-c",
            dir.resolve("nginx.conf").toString(),
            "-p",
            dir.toString(),
            "-s",
            "stop"));
  }
}

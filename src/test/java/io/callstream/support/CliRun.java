package io.callstream.support;

import io.callstream.app.Main;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** Runs the command line in this JVM ({@link Main#run}) with captured standard output and error. */
public record CliRun(int code, String out, String err) {

  public static CliRun run(Map<String, String> env, String... args) {
    return withInput(env, "", args);
  }

  public static synchronized CliRun withInput(
      Map<String, String> env, String stdin, String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
    try {
      int code =
          Main.run(
              List.of(args), env, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
      return new CliRun(
          code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }

  /** The lines on standard error that are not log records (the command's own error line). */
  public List<String> errorLines() {
    return err.lines().filter(l -> l.startsWith("callstream: ")).toList();
  }

  @Override
  public String toString() {
    return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
  }
}

package io.callstream;

import java.util.List;
import java.util.Map;

/** {@code user add NAME --role dispatcher|admin}: arrives with the calls API issue. */
final class UserCommand {
  private UserCommand() {}

  static int run(List<String> args, Map<String, String> env) {
    System.err.println("callstream: the user command is not available yet");
    return Main.EXIT_CONFIG;
  }
}

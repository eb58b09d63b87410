package io.callstream.app;

import io.callstream.config.Config;
import io.callstream.config.Settings;
import java.lang.reflect.RecordComponent;
import picocli.CommandLine.Command;

/**
 * {@code config check}: reads and validates the configuration exactly as {@code serve} does and
 * prints the effective values, one section a line, secrets redacted (each section's toString never
 * shows a secret). Exit 0 when valid, 2 with the error line otherwise. Touches nothing: no
 * database, no network.
 */
@Command(name = "config", description = "Configuration: check.")
final class ConfigCommand {
  private final Cli cli;

  ConfigCommand(Cli cli) {
    this.cli = cli;
  }

  @Command(
      name = "check",
      description =
          "Validate the configuration and print the effective values "
              + "(secrets redacted); exit 0 when valid, 2 on an error.")
  int check() {
    Config config = Config.from(Settings.load(cli.env));
    for (RecordComponent c : Config.class.getRecordComponents()) {
      try {
        cli.out.println(c.getName() + ": " + c.getAccessor().invoke(config));
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException(e);
      }
    }
    cli.out.println("configuration is valid");
    return 0;
  }
}

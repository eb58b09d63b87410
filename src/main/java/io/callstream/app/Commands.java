package io.callstream.app;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ScopeType;

/**
 * The command tree: {@code callstream} and its subcommands, with one exit-code and error-line
 * policy.
 */
final class Commands {
  private Commands() {}

  @Command(
      name = "callstream",
      mixinStandardHelpOptions = true,
      scope = ScopeType.INHERIT,
      versionProvider = Version.class,
      sortOptions = false,
      synopsisHeading = "usage: ",
      description =
          "Receives ElevenLabs webhooks, stores them in PostgreSQL and pushes them to dashboards. "
              + "Without a command: serve.",
      exitCodeListHeading = "%nExit codes:%n",
      exitCodeList = {"0:ok", "1:failure", "2:usage or configuration error"})
  static final class Root implements Callable<Integer> {
    private final Cli cli;

    Root(Cli cli) {
      this.cli = cli;
    }

    @Override
    public Integer call() {
      return Main.serve(cli.config());
    }
  }

  @Command(
      name = "serve",
      description = "Run a node (the default): migrate if behind, start, serve until SIGTERM.")
  static final class Serve implements Callable<Integer> {
    private final Cli cli;

    Serve(Cli cli) {
      this.cli = cli;
    }

    @Override
    public Integer call() {
      return Main.serve(cli.config());
    }
  }

  @Command(
      name = "migrate",
      description = "Apply the database migrations (Flyway, checksums validated) and exit.")
  static final class Migrate implements Callable<Integer> {
    private final Cli cli;

    Migrate(Cli cli) {
      this.cli = cli;
    }

    @Override
    public Integer call() {
      Logging.configure(cli.settings().string("LOG_FORMAT", "text"));
      return Main.migrate(cli.database());
    }
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {BuildInfo.CURRENT.describe()};
    }
  }

  static CommandLine commandLine(Cli cli) {
    CommandLine root = new CommandLine(new Root(cli));
    root.addSubcommand(new Serve(cli));
    root.addSubcommand(new Migrate(cli));
    root.addSubcommand(new ConfigCommand(cli));
    root.addSubcommand(new UserCommand(cli));
    root.addSubcommand(new InboxCommand(cli));
    root.addSubcommand(new ReconcileCommand(cli));
    root.addSubcommand(new PurgeCommand(cli));
    root.getCommandSpec().usageMessage().footer(footer(root));
    root.setOut(cli.out);
    root.setErr(cli.err);
    root.setExecutionExceptionHandler((e, cmd, parsed) -> Main.handle(e, cmd));
    root.setParameterExceptionHandler(
        (e, args) -> {
          String path = e.getCommandLine().getCommandSpec().qualifiedName();
          e.getCommandLine()
              .getErr()
              .println("callstream: " + e.getMessage() + " (see " + path + " --help)");
          return Main.EXIT_CONFIG;
        });
    return root;
  }

  /** Every runnable command in full, so {@code callstream --help} shows the whole tree at once. */
  private static String footer(CommandLine root) {
    List<String> lines = new ArrayList<>();
    lines.add("%nAll commands:");
    collect(root, lines);
    lines.add(
        "%nEach command has --help. Settings come from conf/callstream.properties and the environment "
            + "(docs/operator-cli.md).");
    return String.join("%n", lines);
  }

  private static void collect(CommandLine cmd, List<String> lines) {
    for (CommandLine sub : cmd.getSubcommands().values()) {
      if (sub.getSubcommands().isEmpty()) {
        String synopsis = sub.getHelp().synopsis(0).strip().replace(" [-hV]", "");
        lines.add("  " + synopsis.replace("%", "%%"));
      } else {
        collect(sub, lines);
      }
    }
  }
}

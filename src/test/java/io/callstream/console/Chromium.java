package io.callstream.console;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Headless Chromium driven through chromedriver, both from Debian's packages (bin/test installs
 * them). Paths are given explicitly, so Selenium Manager never runs and nothing is downloaded.
 * Override with the system properties {@code chromium.binary} and {@code chromium.driver}.
 */
final class Chromium {
  static final String BINARY = System.getProperty("chromium.binary", "/usr/bin/chromium");
  static final String DRIVER = System.getProperty("chromium.driver", "/usr/bin/chromedriver");
  static final Path SCREENSHOTS = Path.of("target");

  private Chromium() {}

  /**
   * A fresh browser (its own temporary profile) with a laptop-sized window; fails clearly when not
   * installed.
   */
  static ChromeDriver start() {
    for (String path : new String[] {BINARY, DRIVER}) {
      if (!Files.isExecutable(Path.of(path))) {
        throw new AssertionError(
            path
                + " is missing: install Debian's chromium and chromium-driver "
                + "(apt-get install chromium chromium-driver; bin/test does this), or set -Dchromium.binary / "
                + "-Dchromium.driver");
      }
    }
    ChromeOptions options = new ChromeOptions();
    options.setBinary(BINARY);
    // --no-sandbox: Chromium refuses to run as root with its sandbox; /dev/shm is small in
    // containers
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--window-size=1280,900",
        "--lang=en-US");
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new File(DRIVER))
            .usingAnyFreePort()
            .build();
    return new ChromeDriver(service, options);
  }

  /** Saves what the window shows as target/console-{name}.png. */
  static Path screenshot(ChromeDriver browser, String name) {
    try {
      Files.createDirectories(SCREENSHOTS);
      Path target = SCREENSHOTS.resolve("console-" + name + ".png");
      Files.copy(
          browser.getScreenshotAs(OutputType.FILE).toPath(),
          target,
          StandardCopyOption.REPLACE_EXISTING);
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

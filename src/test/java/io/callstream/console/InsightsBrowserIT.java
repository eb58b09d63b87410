package io.callstream.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callstream.app.Node;
import io.callstream.auth.Passwords;
import io.callstream.support.TestConfig;
import io.callstream.support.TestDatabase;
import io.callstream.support.TestNodes;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The insights page in a real browser whose time zone is America/New_York, over known calls (the
 * ones of InsightsApiTest's New York case): the console asks for the browser's zone, so a call at
 * 03:00 UTC on Jan 11 counts on Jan 10; the charts have one bar per day, per violation type and per
 * bucket, and their titles and labels carry the figures; the range is in the address bar (a reload
 * shows the same view, the back button the previous range); a range of 28 busy days is drawn for
 * the README's screenshot (target/console-insights.png, copied to src/site/insights.png).
 */
class InsightsBrowserIT {
  static final String PASSWORD = "insights-test-password";
  static final Duration WAIT = Duration.ofSeconds(30);
  static final String PER_DAY = "[data-testid=chart-per-day] [data-testid=bar]";

  static String schema;
  static final TestNodes nodes = new TestNodes();
  static Node node;
  static ChromeDriver browser;

  /** call_sid, created_at (UTC), status, call_successful, duration, cost, violation types. */
  static final List<String> CALLS =
      List.of(
          "'I1', '2026-01-10T12:00:00Z', 'completed', true, 30, 240, '{speeding}'",
          "'I2', '2026-01-10T23:30:00Z', 'completed', false, 90, 720, '{speeding,harsh_braking}'",
          "'I3', '2026-01-11T03:00:00Z', 'failed', NULL, NULL, NULL, '{harsh_braking}'",
          "'I4', '2026-01-12T10:00:00Z', 'completed', true, 150, 1200, '{speeding}'",
          "'I5', '2026-01-12T11:00:00Z', 'completed', NULL, 600, 4800, '{}'",
          "'I6', '2026-01-14T04:59:00Z', 'in_progress', NULL, NULL, NULL, '{speeding}'",
          "'I7', '2026-01-14T05:00:00Z', 'initiated', NULL, NULL, NULL, '{}'",
          "'I8', '2026-01-15T00:00:00Z', 'completed', true, 60, 480, '{speeding}'");

  @BeforeAll
  static void setUp() {
    browser = Chromium.start();
    schema = TestDatabase.freshSchema("insightsbrowser");
    node = nodes.start(TestConfig.config(schema));
    TestDatabase.execute(
        "INSERT INTO "
            + schema
            + ".users (username, password_hash, role) VALUES ('lead', '"
            + Passwords.hash(PASSWORD)
            + "', 'dispatcher')");
    for (String c : CALLS) {
      TestDatabase.execute(
          "INSERT INTO "
              + schema
              + ".calls (call_sid, created_at, status, call_successful, call_duration_seconds, cost, "
              + "violation_types) VALUES ("
              + c
              + ")");
    }
    // February: 240 calls every 163 minutes, for the screenshot
    TestDatabase.execute(
        "INSERT INTO "
            + schema
            + ".calls (call_sid, created_at, status, call_successful, call_duration_seconds, cost, "
            + "violation_types) SELECT 'G' || i, timestamptz '2026-02-01T07:00:00Z' + i * interval '163 minutes', "
            + "CASE WHEN i % 9 = 0 THEN 'failed' ELSE 'completed' END, "
            + "CASE WHEN i % 9 = 0 OR i % 13 = 0 THEN NULL ELSE i % 5 <> 0 AND i % 7 <> 0 END, "
            + "CASE WHEN i % 9 <> 0 THEN 25 + (i * 37) % 300 END, "
            + "CASE WHEN i % 9 <> 0 THEN (25 + (i * 37) % 300) * 8 + (i % 7) * 3 END, "
            + "(ARRAY['{speeding}', '{harsh_braking}', '{speeding,phone_use}', '{seatbelt}', '{idling}', "
            + "'{phone_use}'])[1 + i % 6]::text[] FROM generate_series(1, 240) AS i");
  }

  @AfterAll
  static void tearDown() {
    if (browser != null) {
      browser.quit();
    }
    nodes.close();
    if (schema != null) {
      TestDatabase.dropSchema(schema);
    }
  }

  static WebDriverWait waiting() {
    WebDriverWait wait = new WebDriverWait(browser, WAIT, Duration.ofMillis(100));
    wait.ignoring(StaleElementReferenceException.class);
    return wait;
  }

  static WebElement visible(String css) {
    return waiting().until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(css)));
  }

  static String title(String css) {
    return browser.findElement(By.cssSelector(css + " > title")).getAttribute("textContent");
  }

  @Test
  void chartsDrawnFromKnownCallsInTheBrowsersTimeZone() {
    try {
      run();
    } catch (RuntimeException | AssertionError e) {
      Chromium.screenshot(browser, "insights-failure");
      throw e;
    }
  }

  void run() {
    browser.executeCdpCommand(
        "Emulation.setTimezoneOverride", Map.of("timezoneId", "America/New_York"));
    String base = "http://127.0.0.1:" + node.port() + "/";
    browser.get(base);
    visible("#username").sendKeys("lead");
    browser.findElement(By.id("password")).sendKeys(PASSWORD);
    browser.findElement(By.id("login")).click();
    visible("#nav-insights").click();

    // the default: the last 30 days, put into the address bar
    waiting().until(ExpectedConditions.numberOfElementsToBe(By.cssSelector(PER_DAY), 30));
    assertTrue(browser.getCurrentUrl().contains("#/insights?from="), browser.getCurrentUrl());
    assertEquals(
        "0", visible("[data-testid=figure-calls]").getText(), "no call in the last 30 days");

    browser.findElement(By.id("insights-from")).sendKeys("01102026");
    browser.findElement(By.id("insights-to")).sendKeys("01142026");
    browser.findElement(By.id("insights-show")).click();
    waiting().until(ExpectedConditions.numberOfElementsToBe(By.cssSelector(PER_DAY), 5));
    assertTrue(
        browser.getCurrentUrl().endsWith("#/insights?from=2026-01-10&to=2026-01-14"),
        browser.getCurrentUrl());
    assertKnownCharts();

    // the address reproduces the view
    browser.navigate().refresh();
    waiting().until(ExpectedConditions.numberOfElementsToBe(By.cssSelector(PER_DAY), 5));
    assertKnownCharts();
    assertEquals("2026-01-10", browser.findElement(By.id("insights-from")).getAttribute("value"));

    // a busy month for the screenshot; back goes to the known days again
    browser.get(base + "#/insights?from=2026-02-01&to=2026-02-28");
    waiting().until(ExpectedConditions.numberOfElementsToBe(By.cssSelector(PER_DAY), 28));
    waiting()
        .until(ExpectedConditions.textToBe(By.cssSelector("[data-testid=figure-calls]"), "240"));
    assertEquals(
        5,
        browser.findElements(By.cssSelector("[data-testid=chart-types] [data-testid=bar]")).size());
    browser.manage().window().setSize(new Dimension(1280, 990));
    Chromium.screenshot(browser, "insights");
    browser.navigate().back();
    waiting().until(ExpectedConditions.numberOfElementsToBe(By.cssSelector(PER_DAY), 5));
    assertEquals("8", visible("[data-testid=figure-calls]").getText());
    assertEquals(
        LocalDate.of(2026, 1, 14).toString(),
        browser.findElement(By.id("insights-to")).getAttribute("value"));
  }

  /** The figures of the known calls, days counted in New York. */
  void assertKnownCharts() {
    assertTrue(
        visible("[data-testid=insights-zone]").getText().contains("America/New_York"),
        "the browser's zone was sent");
    assertEquals("8", visible("[data-testid=figure-calls]").getText());
    String day = "[data-testid=chart-per-day] [data-testid=bar][data-category='01-10']";
    assertEquals("3", browser.findElement(By.cssSelector(day)).getAttribute("data-value"));
    assertEquals("2026-01-10: 3 calls (1 successful, 1 not successful, 1 failed)", title(day));
    assertEquals(
        "2026-01-11: 0 calls",
        title("[data-testid=chart-per-day] [data-testid=bar][data-category='01-11']"));
    String label =
        browser
            .findElement(By.cssSelector("[data-testid=chart-per-day] svg"))
            .getAttribute("aria-label");
    assertTrue(label.contains(": 8 calls, most on 2026-01-10 (3)"), label);

    // speeding: I1, I2, I4, I8 ended (3 successful), I6 active; harsh_braking: I2, I3; none: I5, I7
    List<WebElement> types =
        browser.findElements(By.cssSelector("[data-testid=chart-types] [data-testid=bar]"));
    assertEquals(
        List.of("speeding", "harsh_braking", "(none)"),
        types.stream().map(t -> t.getAttribute("data-category")).toList());
    assertEquals("0.75", types.get(0).getAttribute("data-value"));
    assertEquals(
        "speeding: 3 successful of 4 ended (5 calls)",
        title("[data-testid=chart-types] [data-testid=bar][data-category='speeding']"));
    // 30, 60, 90, 150, 600 s in two-minute buckets; 240 ... 4800 credits in 500s
    assertEquals(
        6,
        browser
            .findElements(By.cssSelector("[data-testid=chart-duration] [data-testid=bar]"))
            .size());
    assertEquals(
        "0:00–2:00: 3 calls",
        title("[data-testid=chart-duration] [data-testid=bar][data-category='0:00–2:00']"));
    assertEquals(
        10,
        browser.findElements(By.cssSelector("[data-testid=chart-cost] [data-testid=bar]")).size());
  }
}

package io.callstream.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callstream.app.Node;
import io.callstream.auth.Passwords;
import io.callstream.support.TestConfig;
import io.callstream.support.TestDatabase;
import io.callstream.support.TestNodes;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Needs attention in two real browsers (two dispatchers) against one node in demo mode where every
 * simulated call goes unanswered (DEMO_FAILURE_PERCENT=100): the demo banner shows; starting two
 * drivers asks first; a started call fails and appears on both dispatchers' attention lists (count
 * in the tab title); the first marks it handled and it leaves the second's list live (call_handled
 * on the fleet feed); "Call again" dials the driver again for the same violations; the buttons work
 * from the keyboard and keep the focus in the list. Screenshots go to
 * target/console-attention-*.png.
 */
class AttentionBrowserIT {
  static final String DRIVER_ID = "D-101";
  static final String PASSWORD = "attention-test-password";
  static final Duration WAIT = Duration.ofSeconds(30);

  static String schema;
  static final TestNodes nodes = new TestNodes();
  static Node node;
  static ChromeDriver first;
  static ChromeDriver second;

  @BeforeAll
  static void setUp() {
    first = Chromium.start();
    second = Chromium.start();
    schema = TestDatabase.freshSchema("attnbrowser");
    node =
        nodes.start(
            TestConfig.config(
                schema,
                Map.of(
                    "ELEVENLABS_API_URL", "simulator",
                    "DEMO_PACING_MS", "50-100",
                    "DEMO_FAILURE_PERCENT", "100")));
    String hash = Passwords.hash(PASSWORD);
    TestDatabase.execute(
        "UPDATE "
            + schema
            + ".users SET password_hash = '"
            + hash
            + "' WHERE username = 'dispatcher'");
    TestDatabase.execute(
        "INSERT INTO "
            + schema
            + ".users (username, password_hash, role) VALUES ('dispatcher2', '"
            + hash
            + "', 'dispatcher')");
  }

  @AfterAll
  static void tearDown() {
    for (ChromeDriver b : new ChromeDriver[] {first, second}) {
      if (b != null) {
        b.quit();
      }
    }
    nodes.close();
    if (schema != null) {
      TestDatabase.dropSchema(schema);
    }
  }

  static WebDriverWait waiting(ChromeDriver browser) {
    WebDriverWait wait = new WebDriverWait(browser, WAIT, Duration.ofMillis(100));
    wait.ignoring(StaleElementReferenceException.class);
    return wait;
  }

  static WebElement visible(ChromeDriver browser, String css) {
    return waiting(browser)
        .until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(css)));
  }

  static void signIn(ChromeDriver browser, String username) {
    browser.get("http://127.0.0.1:" + node.port() + "/");
    visible(browser, "#username").sendKeys(username);
    browser.findElement(By.id("password")).sendKeys(PASSWORD);
    browser.findElement(By.id("login")).click();
    waiting(browser)
        .until(ExpectedConditions.attributeToBe(By.id("board-state"), "data-state", "open"));
    visible(browser, "[data-testid=attention-empty]");
  }

  @Test
  void aFailedCallNeedsAttentionUntilOneDispatcherMarksItHandledForAll() {
    try {
      run();
    } catch (RuntimeException | AssertionError e) {
      Chromium.screenshot(first, "attention-failure-first");
      Chromium.screenshot(second, "attention-failure-second");
      throw e;
    }
  }

  void run() {
    signIn(first, "dispatcher");
    signIn(second, "dispatcher2");
    assertTrue(
        visible(first, "[data-testid=demo-banner]").getText().contains("Demo mode"),
        "the demo banner");
    String baseTitle = first.getTitle();

    // two drivers: the console asks first; dismissed, nothing is started
    first.findElement(By.id("nav-start")).click();
    visible(first, "[data-testid=driver-option][value='D-101']").click();
    visible(first, "[data-testid=driver-option][value='D-102']").click();
    first
        .findElement(By.cssSelector("[data-testid=violation-suggestion][data-value=speeding]"))
        .click();
    first.findElement(By.id("start-call")).click();
    waiting(first).until(ExpectedConditions.alertIsPresent()).dismiss();
    assertEquals("Nothing started.", visible(first, "[data-testid=start-message]").getText());
    assertEquals(0, first.findElements(By.cssSelector("[data-testid=start-result]")).size());

    // one driver: dialled straight away; the simulated call goes unanswered
    first.findElement(By.cssSelector("[data-testid=driver-option][value='D-102']")).click();
    first.findElement(By.id("start-call")).click();
    WebElement result =
        visible(first, "[data-testid=start-result][data-driver-id='" + DRIVER_ID + "']");
    String callSid = result.getAttribute("data-call-sid");
    assertTrue(callSid != null && !callSid.isEmpty(), result.getText());
    first.findElement(By.id("nav-board")).click();

    // on both dispatchers' lists, live, with the count in the tab title
    String row = "[data-testid=attention-row][data-call-sid='" + callSid + "']";
    for (ChromeDriver b : new ChromeDriver[] {first, second}) {
      WebElement r = visible(b, row);
      assertTrue(r.getText().contains(DRIVER_ID), r.getText());
      waiting(b).until(ExpectedConditions.titleIs("(1) " + baseTitle));
      assertEquals("1", b.findElement(By.cssSelector("[data-testid=attention-count]")).getText());
    }

    // "Call again" dials the same driver for the same violations; that call fails too and joins
    first.findElement(By.cssSelector(row + " [data-testid=call-again]")).click();
    waiting(first)
        .until(
            ExpectedConditions.textMatches(
                By.cssSelector("[data-testid=attention-message]"),
                java.util.regex.Pattern.compile("Calling " + DRIVER_ID + " again \\(EL_")));
    for (ChromeDriver b : new ChromeDriver[] {first, second}) {
      waiting(b).until(ExpectedConditions.titleIs("(2) " + baseTitle));
    }
    assertEquals(
        "{speeding}",
        TestDatabase.queryValue(
            schema,
            "SELECT violation_types::text FROM calls WHERE driver_id = '"
                + DRIVER_ID
                + "' AND call_sid <> '"
                + callSid
                + "'"));
    Chromium.screenshot(first, "attention-board");

    // the first marks the first call handled: it leaves the second's list live, the count drops
    first.findElement(By.cssSelector(row + " [data-testid=mark-handled]")).click();
    waiting(second).until(ExpectedConditions.numberOfElementsToBe(By.cssSelector(row), 0));
    waiting(second).until(ExpectedConditions.titleIs("(1) " + baseTitle));
    assertEquals(1, second.findElements(By.cssSelector("[data-testid=attention-row]")).size());
    waiting(first).until(ExpectedConditions.numberOfElementsToBe(By.cssSelector(row), 0));
    // focus does not fall to the page: it moves to the remaining row's first button
    assertEquals(
        "mark-handled",
        first.switchTo().activeElement().getAttribute("data-testid"),
        "focus after marking");
    assertEquals(
        "dispatcher",
        TestDatabase.queryValue(
            schema, "SELECT handled_by FROM calls WHERE call_sid = '" + callSid + "'"));
    // the last one, by keyboard: Enter on the focused button; the heading takes the focus
    first.switchTo().activeElement().sendKeys(org.openqa.selenium.Keys.ENTER);
    waiting(second).until(ExpectedConditions.titleIs(baseTitle));
    visible(second, "[data-testid=attention-empty]");
    waiting(first).until(ExpectedConditions.titleIs(baseTitle));
    assertEquals(
        "attention-title", first.switchTo().activeElement().getAttribute("id"), "focus at the end");
    Chromium.screenshot(second, "attention-handled");
  }
}

package io.callstream.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callstream.app.Node;
import io.callstream.auth.Passwords;
import io.callstream.support.TestConfig;
import io.callstream.support.TestDatabase;
import io.callstream.support.TestNodes;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
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
 * The dispatcher console in a real browser (headless Chromium) against one node in demo mode: the
 * ElevenLabs simulator plays the started call back through the real webhooks. Signs in as the
 * seeded dispatcher, starts a call, opens it from the live board, sees the turns arrive live and in
 * order, the completion card, the board marking the call completed (and dropping it after its
 * linger), and the call in the history filtered by driver. Screenshots of every step go to
 * target/console-*.png (also one on failure).
 */
class ConsoleBrowserIT {
  static final String DRIVER_ID = "D-101";
  static final String DRIVER_NAME = "Marco Rossi";
  static final String PASSWORD = "browser-test-password";
  static final String OTHER_CALL = "EL_other_driver";

  /** Enough for a busy 2-core machine; every wait ends as soon as its condition holds. */
  static final Duration WAIT = Duration.ofSeconds(30);

  static String schema;
  static final TestNodes nodes = new TestNodes();
  static Node node;
  static ChromeDriver browser;

  @BeforeAll
  static void setUp() {
    browser = Chromium.start(); // first: a missing browser fails before anything else is started
    schema = TestDatabase.freshSchema("browser");
    // Turns 700-1000 ms apart: a 7-turn call lasts about 7 s, so the browser opens it while turns
    // still arrive.
    node =
        nodes.start(
            TestConfig.config(
                schema,
                Map.of(
                    "ELEVENLABS_API_URL",
                    "simulator",
                    "DEMO_PACING_MS",
                    "700-1000",
                    "DEMO_FAILURE_PERCENT",
                    "0")));
    // the seed printed a random password; the test gives the seeded dispatcher one it knows
    TestDatabase.execute(
        "UPDATE "
            + schema
            + ".users SET password_hash = '"
            + Passwords.hash(PASSWORD)
            + "' WHERE username = 'dispatcher'");
    // another driver's finished call, which the history filtered by driver must leave out
    TestDatabase.execute(
        "INSERT INTO "
            + schema
            + ".calls (call_sid, conversation_id, driver_id, status, "
            + "call_start_time, call_end_time) VALUES ('"
            + OTHER_CALL
            + "', 'conv_other', 'D-102', 'completed', "
            + "now() - interval '1 hour', now() - interval '59 minutes')");
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

  WebDriverWait waiting() {
    WebDriverWait wait = new WebDriverWait(browser, WAIT, Duration.ofMillis(100));
    wait.ignoring(StaleElementReferenceException.class);
    return wait;
  }

  WebElement visible(String css) {
    return waiting().until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(css)));
  }

  List<WebElement> turns() {
    return browser.findElements(By.cssSelector("#transcript [data-testid=turn]"));
  }

  @Test
  void aDispatcherFollowsACallFromStartToHistory() {
    try {
      followACall();
    } catch (RuntimeException | AssertionError e) {
      Chromium.screenshot(browser, "failure");
      throw e;
    }
  }

  void followACall() {
    browser.get("http://127.0.0.1:" + node.port() + "/");
    visible("#username").sendKeys("dispatcher");
    browser.findElement(By.id("password")).sendKeys(PASSWORD);
    Chromium.screenshot(browser, "1-login");
    browser.findElement(By.id("login")).click();

    // the live board, on the fleet feed, empty
    waiting().until(ExpectedConditions.attributeToBe(By.id("board-state"), "data-state", "open"));
    assertEquals("dispatcher (dispatcher)", visible("#who").getText());
    visible("[data-testid=board-empty]");
    Chromium.screenshot(browser, "2-board");

    // start one call for a seeded driver
    browser.findElement(By.id("nav-start")).click();
    visible("[data-testid=driver-option][value='" + DRIVER_ID + "']").click();
    browser
        .findElement(By.cssSelector("[data-testid=violation-suggestion][data-value=speeding]"))
        .click();
    visible("[data-testid=violation-tag][data-value=speeding]");
    browser.findElement(By.id("start-call")).click();
    WebElement result = visible("[data-testid=start-result][data-driver-id='" + DRIVER_ID + "']");
    String callSid = result.getAttribute("data-call-sid");
    assertTrue(callSid != null && !callSid.isEmpty(), "the call started: " + result.getText());
    assertTrue(result.getText().contains("call started"), result.getText());
    Chromium.screenshot(browser, "3-started");

    // it is on the live board; open it there, so the board and the call are side by side
    browser.findElement(By.id("nav-board")).click();
    String row = "[data-testid=board-row][data-call-sid='" + callSid + "']";
    WebElement boardRow = visible(row);
    assertTrue(boardRow.getText().contains(DRIVER_NAME), boardRow.getText());
    boardRow.click();
    visible("[data-testid=call-panel][data-call-sid='" + callSid + "']");
    waiting()
        .until(
            ExpectedConditions.attributeToBe(
                By.cssSelector("[data-testid=call-live]"), "data-state", "open"));
    int shownWhenOpened = turns().size();

    // turns arrive live, in order, agent and driver taking turns
    waiting().until(d -> turns().size() >= 3);
    Chromium.screenshot(browser, "4-live-turns");
    visible("[data-testid=completion]");
    List<WebElement> turns = turns();
    assertTrue(turns.size() >= 3, "at least three turns: " + turns.size());
    assertTrue(
        turns.size() > shownWhenOpened,
        "turns arrived over the socket after the call was opened ("
            + shownWhenOpened
            + " shown at first)");
    for (int i = 0; i < turns.size(); i++) {
      assertEquals(
          String.valueOf(i + 1), turns.get(i).getAttribute("data-seq"), "in order, no gap");
      assertEquals(
          i % 2 == 0 ? "agent" : "user",
          turns.get(i).getAttribute("data-speaker"),
          "speakers alternate");
    }
    Set<String> speakers =
        turns.stream().map(t -> t.getAttribute("data-speaker")).collect(Collectors.toSet());
    assertEquals(Set.of("agent", "user"), speakers);
    assertTrue(
        turns.get(0).getText().contains("Marco"),
        "the agent greets the driver: " + turns.get(0).getText());

    // the completion card
    WebElement completion = browser.findElement(By.cssSelector("[data-testid=completion]"));
    assertEquals("completed", completion.getAttribute("data-status"));
    String summary =
        completion.findElement(By.cssSelector("[data-testid=completion-summary]")).getText();
    assertTrue(
        summary.contains("Marco") && summary.contains("speeding"), "the summary: " + summary);
    assertTrue(
        completion
            .findElement(By.cssSelector("[data-testid=completion-cost]"))
            .getText()
            .matches(".*\\d.*"),
        "a cost is shown");
    assertEquals(
        "Completed", browser.findElement(By.cssSelector("[data-testid=call-status]")).getText());

    // the board shows the call completed (it lingers there with its final status before it leaves)
    String finalStatus = row + " [data-testid=board-status] [data-testid=status]";
    waiting()
        .until(
            ExpectedConditions.attributeToBe(
                By.cssSelector(finalStatus), "data-status", "completed"));
    assertTrue(browser.findElement(By.cssSelector(row)).getAttribute("class").contains("finished"));
    // the picture for the README: the board beside the call, its last turns and the completion card
    // (the panel scrolls, not the page: the top bar and the board stay in the picture)
    browser.executeScript(
        "const panel = document.getElementById('call-panel');"
            + "panel.scrollTop = arguments[0].offsetTop - panel.clientHeight / 2;",
        completion);
    Chromium.screenshot(browser, "5-completed");

    // the history, filtered by driver: that call, not the other driver's
    browser.findElement(By.id("nav-history")).click();
    visible("[data-testid=history-row][data-call-sid=" + OTHER_CALL + "]");
    browser.findElement(By.id("history-driver")).sendKeys(DRIVER_ID);
    browser.findElement(By.id("history-search")).click();
    By historyRows = By.cssSelector("[data-testid=history-row]");
    waiting()
        .until(
            d ->
                d.findElements(historyRows).stream()
                    .map(r -> r.getAttribute("data-call-sid"))
                    .toList()
                    .equals(List.of(callSid)));
    WebElement historyRow = browser.findElement(historyRows);
    assertTrue(historyRow.getText().contains(DRIVER_ID), historyRow.getText());
    assertEquals(
        "completed",
        historyRow.findElement(By.cssSelector("[data-testid=status]")).getAttribute("data-status"));
    Chromium.screenshot(browser, "6-history");

    // back on the board, the finished call has left it after its linger (15 s after completion)
    browser.findElement(By.id("nav-board")).click();
    waiting().until(ExpectedConditions.numberOfElementsToBe(By.cssSelector(row), 0));
    visible("[data-testid=board-empty]");
  }
}

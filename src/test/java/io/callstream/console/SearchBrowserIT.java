package io.callstream.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callstream.app.Node;
import io.callstream.auth.Passwords;
import io.callstream.support.Await;
import io.callstream.support.TestConfig;
import io.callstream.support.TestDatabase;
import io.callstream.support.TestNodes;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Search in the console against one node in demo mode: two demo calls are played (Marco Rossi about
 * speeding, Aisha Khan about a seatbelt); a word only Marco's call has, typed into the search box
 * with direction "outbound", finds exactly his call, the word highlighted and his name shown; the
 * address holds the filters, and a fresh browser that opens it (signing in first) shows the same
 * filled filters and the same result; "Export CSV" downloads that one call. Inbound calls from an
 * unknown number show the inbound marker, the caller's number and the recording state in the
 * history, on the board and on the attention list. Screenshot: target/console-search.png (the
 * README's src/site/search.png).
 */
class SearchBrowserIT {
  static final String PASSWORD = "search-test-password";
  static final String CALLER = "+15550109999";
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
    schema = TestDatabase.freshSchema("searchbrowser");
    node =
        nodes.start(
            TestConfig.config(
                schema,
                Map.of(
                    "ELEVENLABS_API_URL", "simulator",
                    "DEMO_PACING_MS", "50-100",
                    "DEMO_FAILURE_PERCENT", "0")));
    TestDatabase.execute(
        "UPDATE "
            + schema
            + ".users SET password_hash = '"
            + Passwords.hash(PASSWORD)
            + "' WHERE username = 'dispatcher'");
    // two inbound calls from a number no driver has: one live and being recorded, one ended
    TestDatabase.execute(
        "INSERT INTO "
            + schema
            + ".calls (call_sid, status, direction, caller_number, recording_status, call_start_time, "
            + "created_at) VALUES ('CA_live', 'in_progress', 'inbound', '"
            + CALLER
            + "', 'recording', now(), now() - interval '1 day'), ('CA_ended', 'completed', 'inbound', '"
            + CALLER
            + "', 'stored', now() - interval '1 day', now() - interval '1 day')");
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

  /** Opens the address, signs in on the page it shows, waits for the live feed. */
  static void signIn(ChromeDriver browser, String url) {
    browser.get(url);
    visible(browser, "#username").sendKeys("dispatcher");
    browser.findElement(By.id("password")).sendKeys(PASSWORD);
    browser.findElement(By.id("login")).click();
    waiting(browser)
        .until(ExpectedConditions.attributeToBe(By.id("board-state"), "data-state", "open"));
  }

  /**
   * Waits until the history shows the rows of these filters (address form, as data-loaded
   * "?filters"), and returns them.
   */
  static List<WebElement> results(ChromeDriver browser, String filters) {
    waiting(browser)
        .until(
            ExpectedConditions.attributeToBe(By.id("tab-history"), "data-loaded", "?" + filters));
    return browser.findElements(By.cssSelector("[data-testid=history-row]"));
  }

  static String column(String sql) {
    return String.valueOf(TestDatabase.queryValue(schema, sql));
  }

  @Test
  void aWordSaidInADemoCallFindsItAndTheAddressReproducesTheView() {
    try {
      run();
    } catch (RuntimeException | AssertionError e) {
      Chromium.screenshot(first, "search-failure-first");
      Chromium.screenshot(second, "search-failure-second");
      throw e;
    }
  }

  void run() {
    String base = "http://127.0.0.1:" + node.port() + "/";
    signIn(first, base);

    // inbound calls on the board and the attention list: marker, caller's number, recording state
    WebElement live = visible(first, "[data-testid=board-row][data-call-sid=CA_live]");
    assertTrue(live.getText().contains("Unknown caller " + CALLER), live.getText());
    assertEquals(
        "inbound",
        live.findElement(By.cssSelector("[data-testid=direction]")).getAttribute("data-direction"));
    assertTrue(live.getText().contains("recording: Recording"), live.getText());
    WebElement ended = visible(first, "[data-testid=attention-row][data-call-sid=CA_ended]");
    assertTrue(ended.getText().contains("Unknown caller " + CALLER), ended.getText());
    assertTrue(ended.getText().contains("↙ Inbound"), ended.getText());
    assertTrue(ended.getText().contains("Recording: Stored"), ended.getText());

    // two demo calls, played to the end
    first.findElement(By.id("nav-start")).click();
    visible(first, "[data-testid=driver-option][value='D-101']").click();
    visible(first, "[data-testid=violation-suggestion][data-value=speeding]").click();
    first.findElement(By.id("start-call")).click();
    visible(first, "[data-testid=start-result][data-driver-id='D-101']");
    Await.until(
        "Marco's call is completed",
        () ->
            "1"
                .equals(
                    column(
                        "SELECT count(*) FROM calls WHERE status = 'completed' AND driver_id = 'D-101'")),
        WAIT);
    first.findElement(By.cssSelector("[data-testid=driver-option][value='D-101']")).click();
    first.findElement(By.cssSelector("[data-testid=driver-option][value='D-102']")).click();
    first
        .findElement(By.cssSelector("[data-testid=violation-tag][data-value=speeding] .remove"))
        .click();
    first.findElement(By.id("violation-input")).sendKeys("seatbelt" + Keys.ENTER);
    first.findElement(By.id("start-call")).click();
    visible(first, "[data-testid=start-result][data-driver-id='D-102']");
    Await.until(
        "Aisha's call is completed",
        () ->
            "1"
                .equals(
                    column(
                        "SELECT count(*) FROM calls WHERE status = 'completed' AND driver_id = 'D-102'")),
        WAIT);
    String marco = column("SELECT call_sid FROM calls WHERE driver_id = 'D-101'");
    String word = wordOnlyIn(marco);

    // search: the word and outbound; exactly Marco's call, the word marked, his name shown
    first.findElement(By.id("nav-history")).click();
    results(first, "");
    new Select(first.findElement(By.id("history-direction"))).selectByValue("outbound");
    first.findElement(By.id("history-q")).sendKeys(word + Keys.ENTER);
    String filters = "q=" + word + "&direction=outbound";
    List<WebElement> rows = results(first, filters);
    assertEquals(1, rows.size(), "one call says " + word);
    WebElement row = rows.get(0);
    assertEquals(marco, row.getAttribute("data-call-sid"));
    assertTrue(row.getText().contains("Marco Rossi"), row.getText());
    List<String> marks =
        row.findElements(By.cssSelector("[data-testid=match] mark")).stream()
            .map(WebElement::getText)
            .toList();
    assertTrue(
        marks.stream().anyMatch(m -> m.equalsIgnoreCase(word)), word + " highlighted: " + marks);
    String url = first.getCurrentUrl();
    assertTrue(url.endsWith("#/history?" + filters), url);

    // the CSV of this view, fetched with the session's token
    first.findElement(By.id("history-export")).click();
    waiting(first)
        .until(
            ExpectedConditions.textMatches(
                By.cssSelector("[data-testid=history-message]"),
                java.util.regex.Pattern.compile("Exported 1 call as calls-.*\\.csv\\.")));

    // a fresh browser opening the address: signs in, then the same filters and the same result
    signIn(second, url);
    List<WebElement> again = results(second, filters);
    assertEquals(1, again.size());
    assertEquals(marco, again.get(0).getAttribute("data-call-sid"));
    assertEquals(word, second.findElement(By.id("history-q")).getAttribute("value"));
    assertEquals("outbound", second.findElement(By.id("history-direction")).getAttribute("value"));
    assertEquals("", second.findElement(By.id("history-driver")).getAttribute("value"));

    // inbound calls in the history: the unknown caller's number, the marker, the recording
    new Select(first.findElement(By.id("history-direction"))).selectByValue("inbound");
    first.findElement(By.id("history-q")).clear();
    first.findElement(By.id("history-search")).click();
    List<WebElement> inbound = results(first, "direction=inbound");
    assertEquals(2, inbound.size());
    WebElement stored =
        first.findElement(By.cssSelector("[data-testid=history-row][data-call-sid=CA_ended]"));
    assertTrue(stored.getText().contains("Unknown caller " + CALLER), stored.getText());
    assertEquals("Stored", stored.findElement(By.cssSelector("[data-testid=recording]")).getText());

    // the README's picture: a search over both demo calls
    new Select(first.findElement(By.id("history-direction"))).selectByValue("");
    first.findElement(By.id("history-q")).sendKeys("safety" + Keys.ENTER);
    assertTrue(results(first, "q=safety").size() >= 2, "both demo calls mention safety");
    Chromium.screenshot(first, "search");
  }

  /**
   * The longest word the driver said in this call that no other call has in any form (compared as
   * the search compares: English stems, so "speeding" is not taken when another call says "speed").
   */
  static String wordOnlyIn(String callSid) {
    String found =
        column(
            "SELECT w FROM transcriptions t JOIN calls c ON c.id = t.call_id, "
                + "regexp_split_to_table(t.message_text, '[^A-Za-z]+') w "
                + "WHERE c.call_sid = '"
                + callSid
                + "' AND t.speaker_type = 'user' AND length(w) >= 5 "
                + "AND numnode(plainto_tsquery('english', w)) > 0 "
                + "AND NOT EXISTS (SELECT 1 FROM transcriptions o JOIN calls oc ON oc.id = o.call_id "
                + "  WHERE oc.call_sid <> c.call_sid "
                + "  AND to_tsvector('english', o.message_text) @@ plainto_tsquery('english', w)) "
                + "AND NOT EXISTS (SELECT 1 FROM calls oc WHERE oc.call_sid <> c.call_sid "
                + "  AND to_tsvector('english', coalesce(oc.transcript_summary, '')) @@ plainto_tsquery('english', w)) "
                + "ORDER BY length(w) DESC, w LIMIT 1");
    assertTrue(!"null".equals(found), "a word only " + callSid + " has");
    return found;
  }
}

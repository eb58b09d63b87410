package io.callstream.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callstream.app.Node;
import io.callstream.auth.Passwords;
import io.callstream.support.TestConfig;
import io.callstream.support.TestDatabase;
import io.callstream.support.TestNodes;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Sessions in a real browser (docs/sessions.md), one node in demo mode with 15-second tokens
 * (JWT_TTL_SECONDS=15): the console refreshes its token silently before each expiry and keeps
 * working past the first token's end with no sign-in prompt; a second tab opens signed in (one
 * sign-in shared through localStorage); the recording streams in the browser's own {@code <audio>}
 * from a signed link (the node sees its Range request: a 206); the call panel takes the focus when
 * opened and Escape closes it; a token revoked behind the console's back brings up the modal
 * sign-in (role=dialog, aria-modal, the app inert, Tab kept in the form), and signing in there
 * reaches the other tab too; a sign-out in one tab signs out the other.
 */
class SessionBrowserIT {
  static final String PASSWORD = "session-browser-password";
  static final String CALL = "EL_D-101_session_audio";
  static final Duration WAIT = Duration.ofSeconds(45);

  static String schema;
  static final TestNodes nodes = new TestNodes();
  static Node node;
  static ChromeDriver browser;
  static final List<String> access = new CopyOnWriteArrayList<>();
  static final Handler ACCESS =
      new Handler() {
        @Override
        public void publish(LogRecord r) {
          access.add(r.getMessage());
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  @BeforeAll
  static void setUp() {
    browser = Chromium.start();
    schema = TestDatabase.freshSchema("sessbrowser");
    node =
        nodes.start(
            TestConfig.config(
                schema,
                Map.of(
                    "ELEVENLABS_API_URL", "simulator",
                    "DEMO_PACING_MS", "50-100",
                    "DEMO_FAILURE_PERCENT", "0",
                    "JWT_TTL_SECONDS", "15",
                    "REVOCATION_CHECK_SECONDS", "2",
                    "ACCESS_LOG", "true")));
    // after the node's start, which resets java.util.logging's handlers
    Logger.getLogger("callstream.access").addHandler(ACCESS);
    TestDatabase.execute(
        "UPDATE "
            + schema
            + ".users SET password_hash = '"
            + Passwords.hash(PASSWORD)
            + "' WHERE username = 'dispatcher'");
    TestDatabase.queryValue(
        schema,
        "INSERT INTO calls (call_sid, conversation_id, status, driver_id) VALUES ('"
            + CALL
            + "', 'conv_session_audio', 'completed', 'D-101') RETURNING 1");
    byte[] mp3 = silentMp3(400); // about 10.4 s
    Object id =
        TestDatabase.queryValue(
            schema,
            "INSERT INTO call_audio (audio_key, source, size, chunk_size, sha256, store) VALUES "
                + "('conv_session_audio', 'elevenlabs', "
                + mp3.length
                + ", "
                + mp3.length
                + ", 'x', 'postgres') RETURNING id");
    TestDatabase.queryValue(
        schema,
        "INSERT INTO call_audio_chunks (audio_id, seq, bytes) VALUES ("
            + id
            + ", 0, decode('"
            + HexFormat.of().formatHex(mp3)
            + "', 'hex')) RETURNING 1");
  }

  /**
   * {@code frames} MPEG-1 Layer III frames of silence (128 kbit/s, 44.1 kHz, mono, 417 bytes each:
   * the header, then zeroed side information and main data, which decode to silence).
   */
  static byte[] silentMp3(int frames) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < frames; i++) {
      byte[] frame = new byte[417];
      frame[0] = (byte) 0xFF;
      frame[1] = (byte) 0xFB;
      frame[2] = (byte) 0x90;
      frame[3] = (byte) 0xC0;
      out.writeBytes(frame);
    }
    return out.toByteArray();
  }

  @AfterAll
  static void tearDown() {
    Logger.getLogger("callstream.access").removeHandler(ACCESS);
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

  static Object js(String script) {
    return browser.executeScript(script);
  }

  static String storedToken() {
    return (String) js("return localStorage.getItem('callstream.token')");
  }

  static long claim(String token, String name) {
    String payload = new String(java.util.Base64.getUrlDecoder().decode(token.split("\\.")[1]));
    return new io.vertx.core.json.JsonObject(payload).getLong(name);
  }

  static int status(String path, String token) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + path))
                .header("Authorization", "Bearer " + token)
                .method(
                    path.startsWith("/auth/") ? "POST" : "GET", HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  @Test
  void theSessionRefreshesSilentlyIsSharedByTabsAndTheRecordingStreams() throws Exception {
    String first = null;
    String second = null;
    try {
      first = browser.getWindowHandle();
      browser.get("http://127.0.0.1:" + node.port() + "/");
      visible("#username").sendKeys("dispatcher");
      browser.findElement(By.id("password")).sendKeys(PASSWORD);
      browser.findElement(By.id("login")).click();
      waiting().until(ExpectedConditions.attributeToBe(By.id("board-state"), "data-state", "open"));
      // any sign-in prompt from here on is recorded
      js(
          "window.__prompts = 0; new MutationObserver(() => { if (!document.getElementById('login-view')"
              + ".hidden) window.__prompts++; }).observe(document.getElementById('login-view'),"
              + " {attributes: true});");
      String initial = storedToken();
      long firstExpiry = claim(initial, "exp");

      // two silent refreshes: the console outlives its first token with no prompt
      String[] seen = {initial, null};
      waiting().until(d -> !initial.equals(storedToken()));
      seen[1] = storedToken();
      waiting().until(d -> !seen[1].equals(storedToken()));
      waiting().until(d -> System.currentTimeMillis() / 1000 > firstExpiry + 1);
      assertEquals(401, status("/calls", initial), "the first token has expired");
      String current = storedToken();
      assertEquals(claim(initial, "auth_time"), claim(current, "auth_time"), "one session");
      browser.findElement(By.id("nav-history")).click();
      visible("[data-testid=history-row][data-call-sid='" + CALL + "']");
      assertEquals(0L, js("return window.__prompts"), "no sign-in prompt");
      assertTrue(browser.findElement(By.id("login-view")).getAttribute("hidden") != null);
      assertEquals("open", browser.findElement(By.id("board-state")).getAttribute("data-state"));

      // a second tab is signed in already
      browser.switchTo().newWindow(WindowType.TAB);
      second = browser.getWindowHandle();
      browser.get("http://127.0.0.1:" + node.port() + "/#/board/call/" + CALL);
      waiting().until(ExpectedConditions.attributeToBe(By.id("board-state"), "data-state", "open"));
      assertTrue(browser.findElement(By.id("login-view")).getAttribute("hidden") != null);
      // the panel took the focus; the recording streams from a signed link
      visible("[data-testid=call-panel][data-call-sid='" + CALL + "']");
      waiting().until(d -> "call-title".equals(d.switchTo().activeElement().getAttribute("id")));
      int before = access.size();
      visible("#load-audio").click();
      WebElement audio = visible("audio[data-testid=audio]");
      String src = audio.getAttribute("src");
      assertTrue(src.contains("/calls/" + CALL + "/audio?sig="), src);
      waiting()
          .until(
              d ->
                  ((Number) js("const a = document.querySelector('audio'); return a.readyState;"))
                          .intValue()
                      >= 1);
      double duration =
          ((Number) js("return document.querySelector('audio').duration")).doubleValue();
      assertTrue(duration > 9 && duration < 12, "duration " + duration);
      waiting()
          .until(
              d ->
                  access.subList(before, access.size()).stream()
                      .anyMatch(l -> l.contains("route=/calls/:id/audio status=206")));
      assertFalse(access.stream().anyMatch(l -> l.contains("sig=")), "the signature is not logged");
      Chromium.screenshot(browser, "session-audio");
      // Escape closes the panel
      browser.switchTo().activeElement().sendKeys(Keys.ESCAPE);
      waiting().until(ExpectedConditions.invisibilityOfElementLocated(By.id("call-panel")));
      assertFalse(browser.getCurrentUrl().contains("/call/"), browser.getCurrentUrl());

      // the token is revoked behind the console's back: the modal sign-in comes up in tab 1
      assertEquals(204, status("/auth/logout", storedToken()));
      // (the next silent refresh is refused, so at the token's expiry, within 15 s, the prompt
      // comes)
      browser.switchTo().window(first);
      WebElement dialog = visible("#login-view.overlay");
      assertEquals("dialog", dialog.getAttribute("role"));
      assertEquals("true", dialog.getAttribute("aria-modal"));
      assertEquals(Boolean.TRUE, js("return document.getElementById('app').inert"));
      for (int i = 0; i < 5; i++) {
        browser.switchTo().activeElement().sendKeys(Keys.TAB);
        assertTrue(
            (Boolean)
                js("return document.getElementById('login-form').contains(document.activeElement)"),
            "Tab stays in the sign-in form");
      }
      browser.findElement(By.id("password")).sendKeys(PASSWORD + Keys.ENTER);
      waiting().until(ExpectedConditions.invisibilityOfElementLocated(By.id("login-view")));
      assertEquals(Boolean.FALSE, js("return document.getElementById('app').inert"));
      String renewed = storedToken();
      assertNotEquals(current, renewed);
      // the other tab took the new sign-in too, then signs both out
      browser.switchTo().window(second);
      waiting().until(ExpectedConditions.invisibilityOfElementLocated(By.id("login-view")));
      waiting().until(ExpectedConditions.attributeToBe(By.id("board-state"), "data-state", "open"));
      browser.findElement(By.id("logout")).click();
      visible("#login-view");
      browser.switchTo().window(first);
      waiting().until(ExpectedConditions.visibilityOfElementLocated(By.id("login-view")));
      assertFalse(
          browser.findElement(By.id("login-view")).getAttribute("class").contains("overlay"));
      assertEquals(null, storedToken());
      waiting()
          .until(
              d -> {
                try {
                  return status("/calls", renewed) == 401;
                } catch (Exception e) {
                  return false;
                }
              });
    } catch (RuntimeException | AssertionError e) {
      Chromium.screenshot(browser, "session-failure");
      throw e;
    }
  }
}

package io.callstream.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callstream.config.Config;
import io.callstream.config.ConfigException;
import io.callstream.support.TestConfig;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** ELEVENLABS_API_URL=simulator, PUBLIC_BASE_URL, DEMO_PACING_MS and DEMO_FAILURE_PERCENT. */
class DemoConfigTest {
  static Config config(String... pairs) {
    Map<String, String> env = new HashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      env.put(pairs[i], pairs[i + 1]);
    }
    return TestConfig.config("public", env);
  }

  @Test
  void simulatorModeNeedsNoElevenLabsAccount() {
    Config.ElevenLabs el = config("ELEVENLABS_API_URL", "simulator").elevenLabs();
    assertTrue(el.simulator());
    assertNull(el.apiUrl(), "known only once the simulator listens");
    assertTrue(el.canDial(), "dummy key, agent and phone-number id");
    URI url = URI.create("http://127.0.0.1:1234");
    assertEquals(url, el.withApiUrl(url).apiUrl());
    assertTrue(el.withApiUrl(url).simulator());
    assertEquals(
        "agent_real",
        config("ELEVENLABS_API_URL", "simulator", "ELEVENLABS_AGENT_ID", "agent_real")
            .elevenLabs()
            .agentId(),
        "a configured value still wins");
  }

  @Test
  void theDefaultIsTheRealApiWithoutDummies() {
    Config c = config();
    assertFalse(c.elevenLabs().simulator());
    assertEquals(URI.create("https://api.elevenlabs.io"), c.elevenLabs().apiUrl());
    assertFalse(c.elevenLabs().canDial());
    assertEquals(new Config.Demo(null, 1000, 4000, 10), c.demo());
    assertThrows(
        ConfigException.class,
        () -> config("ELEVENLABS_API_URL", "simulate"),
        "a typo is not a URL");
  }

  @Test
  void demoSettingsAreValidated() {
    Config c =
        config(
            "PUBLIC_BASE_URL",
            "https://demo.example.com/cs",
            "DEMO_PACING_MS",
            "10",
            "DEMO_FAILURE_PERCENT",
            "100");
    assertEquals(new Config.Demo(URI.create("https://demo.example.com/cs"), 10, 10, 100), c.demo());
    assertEquals(250, config("DEMO_PACING_MS", " 250 - 900 ").demo().pacingMinMs());
    for (String bad : new String[] {"4000-1000", "0", "fast", "1-", "-5"}) {
      ConfigException e =
          assertThrows(ConfigException.class, () -> config("DEMO_PACING_MS", bad), bad);
      assertTrue(e.getMessage().startsWith("DEMO_PACING_MS"), e.getMessage());
    }
    assertThrows(ConfigException.class, () -> config("DEMO_FAILURE_PERCENT", "101"));
    assertThrows(ConfigException.class, () -> config("PUBLIC_BASE_URL", "not a url"));
  }
}

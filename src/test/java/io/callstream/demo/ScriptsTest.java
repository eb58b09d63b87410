package io.callstream.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every demo conversation is a plausible call whose analysis agrees with what was said. */
class ScriptsTest {
  static Scripts scripts;

  @BeforeAll
  static void load() {
    scripts = Scripts.load();
  }

  @Test
  void everyVariantOfEveryTypeAlternatesFromTheAgentAndHasAConsistentAnalysis() {
    for (String type : Scripts.TYPES) {
      assertTrue(scripts.variantCount(type) >= 3, type + " has several variants");
      Set<String> outcomes = new HashSet<>();
      for (int i = 0; i < scripts.variantCount(type); i++) {
        Script s = scripts.render(type, i, "Marco Rossi", "red light");
        String where = type + " #" + i;
        assertEquals(type, s.type());
        assertTrue(Script.OUTCOMES.contains(s.outcome()), where + ": outcome " + s.outcome());
        outcomes.add(s.outcome());
        assertTrue(s.turns().size() >= 3, where + " has at least 3 turns");
        for (int t = 0; t < s.turns().size(); t++) {
          Script.Turn turn = s.turns().get(t);
          assertEquals(
              t % 2 == 0 ? "agent" : "user", turn.role(), where + " turn " + t + " alternates");
          assertFalse(turn.message().isBlank(), where);
          assertFalse(
              turn.message().contains("{"), where + ": unfilled placeholder in " + turn.message());
        }
        assertTrue(
            s.turns().get(0).message().contains("Marco"),
            where + ": the agent greets the driver by name");
        assertFalse(s.turns().get(0).message().contains("Rossi"), where + ": by first name");
        assertTrue(s.summary().contains("Marco"), where + ": the summary names the driver");
        assertFalse(s.summary().contains("{"), where);
        if (type.equals(Scripts.GENERIC)) {
          assertTrue(
              s.turns().get(0).message().contains("red light"), where + ": names the violation");
        }
        assertAnalysis(s, where);
      }
      assertTrue(outcomes.size() >= 3, type + ": driver answers vary, got " + outcomes);
    }
  }

  static void assertAnalysis(Script s, String where) {
    JsonObject a = s.analysis();
    assertEquals(s.summary(), a.getString("transcript_summary"), where);
    assertEquals(s.title(), a.getString("call_summary_title"), where);
    boolean callback = s.outcome().equals(Script.CALLBACK);
    assertEquals(callback ? "failure" : "success", a.getString("call_successful"), where);
    boolean acknowledged =
        s.outcome().equals(Script.ACKNOWLEDGED) || s.outcome().equals(Script.QUESTION);
    JsonObject criteria = a.getJsonObject("evaluation_criteria_results");
    assertEquals(
        acknowledged ? "success" : "failure",
        criteria.getJsonObject("driver_acknowledged").getString("result"),
        where);
    assertEquals(
        callback ? "failure" : "success",
        criteria.getJsonObject("violation_discussed").getString("result"),
        where);
    JsonObject data = a.getJsonObject("data_collection_results");
    assertEquals(s.type(), data.getJsonObject("violation_type").getString("value"), where);
    assertEquals(s.outcome(), data.getJsonObject("driver_response").getString("value"), where);
    if (callback) {
      assertNull(
          data.getJsonObject("driver_reason").getValue("value"),
          where + ": no reason without a talk");
    } else if (!s.type().equals(Scripts.GENERIC)) {
      assertFalse(data.getJsonObject("driver_reason").getString("value").isBlank(), where);
    }
    // a driver who acknowledges says so in the conversation; one who disputes says it is wrong
    String driverWords =
        String.join(
                " ",
                s.turns().stream()
                    .filter(t -> t.role().equals("user"))
                    .map(Script.Turn::message)
                    .toList())
            .toLowerCase();
    if (s.outcome().equals(Script.CALLBACK)) {
      assertTrue(driverWords.contains("later") || driverWords.contains("call me"), where);
    }
  }

  @Test
  void theViolationTypesPickTheScriptAndTheSeedPicksTheVariant() {
    assertEquals("speeding", Scripts.typeOf("Speeding"));
    assertEquals(
        "speeding", Scripts.typeOf("red light, speeding"), "the first recognised type wins");
    assertEquals("hours_of_service", Scripts.typeOf("hours_of_service"));
    assertEquals("hours_of_service", Scripts.typeOf("HOS"));
    assertEquals("seatbelt", Scripts.typeOf("seat belt"));
    assertEquals("phone_use", Scripts.typeOf("phone_use"));
    assertEquals("inspection_overdue", Scripts.typeOf("inspection overdue"));
    assertEquals(Scripts.GENERIC, Scripts.typeOf("red light"));
    assertEquals(Scripts.GENERIC, Scripts.typeOf(""));

    Map<String, Object> vars =
        Map.of(
            "driver_name",
            "Aisha Khan",
            "violation_types",
            "seatbelt",
            "callstream_call_sid",
            "EL_D-102_1");
    Script a = scripts.pick(new Random(42), vars);
    Script b = scripts.pick(new Random(42), vars);
    assertEquals(a, b, "the same seed plays the same conversation");
    assertEquals("seatbelt", a.type());
    Set<String> titles = new HashSet<>();
    Random random = new Random(7);
    for (int i = 0; i < 50; i++) {
      titles.add(scripts.pick(random, vars).title());
    }
    assertEquals(scripts.variantCount("seatbelt"), titles.size(), "every variant gets played");
  }

  @Test
  void aCallWithoutDriverNameOrViolationStillReadsWell() {
    Script s = scripts.pick(new Random(1), Map.of());
    assertEquals(Scripts.GENERIC, s.type());
    assertTrue(
        s.turns().get(0).message().startsWith("Hi there")
            || s.turns().get(0).message().startsWith("Hello there"),
        s.turns().get(0).message());
    assertTrue(
        s.summary().contains("the driver") || s.summary().startsWith("The driver"), s.summary());
    assertTrue(Character.isUpperCase(s.summary().charAt(0)), s.summary());
  }
}

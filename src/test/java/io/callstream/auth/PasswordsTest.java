package io.callstream.auth;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PasswordsTest {
  @Test
  void hashesAreSaltedSlowAndVerifiable() {
    String a = Passwords.hash("correct horse battery");
    String b = Passwords.hash("correct horse battery");
    assertTrue(a.matches("pbkdf2\\$210000\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}"), a);
    assertNotEquals(a, b, "a random salt per hash");
    assertTrue(Passwords.verify("correct horse battery", a));
    assertTrue(Passwords.verify("correct horse battery", b));
    assertFalse(Passwords.verify("correct horse batterY", a));
    assertFalse(Passwords.verify("correct horse battery", null));
    assertFalse(Passwords.verify("x", "pbkdf2$notanumber$AAAA$AAAA"));
    assertFalse(Passwords.verify("x", "plain"));
  }
}

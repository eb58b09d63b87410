package io.callstream.auth;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Salted slow password hashes with the JDK only: PBKDF2WithHmacSHA256, a random 16-byte salt per
 * user, encoded as {@code pbkdf2$<iterations>$<base64 salt>$<base64 hash>}. Deliberately slow (~100
 * ms): BLOCKING, so callers on an event loop run it through {@code vertx.executeBlocking}.
 */
public final class Passwords {
  public static final int ITERATIONS = 210_000;
  public static final int MAX_LENGTH = 1024;
  private static final int SALT_BYTES = 16;
  private static final int HASH_BITS = 256;
  private static final String ALGORITHM = "PBKDF2WithHmacSHA256";
  private static final SecureRandom RANDOM = new SecureRandom();

  /** Verified against when the user does not exist, so that both failures take the same time. */
  private static final String DUMMY = hash("no such user, but spend the same time");

  private Passwords() {}

  public static String hash(String password) {
    byte[] salt = new byte[SALT_BYTES];
    RANDOM.nextBytes(salt);
    return encode(ITERATIONS, salt, derive(password, salt, ITERATIONS));
  }

  /**
   * True when the password matches the encoded hash; false for a malformed hash. A null hash burns
   * a dummy check.
   */
  public static boolean verify(String password, String encoded) {
    if (encoded == null) {
      verify(password, DUMMY);
      return false;
    }
    String[] parts = encoded.split("\\$");
    if (parts.length != 4 || !"pbkdf2".equals(parts[0])) {
      return false;
    }
    try {
      int iterations = Integer.parseInt(parts[1]);
      byte[] salt = Base64.getDecoder().decode(parts[2]);
      byte[] expected = Base64.getDecoder().decode(parts[3]);
      if (iterations < 1 || iterations > 10_000_000) {
        return false;
      }
      return MessageDigest.isEqual(expected, derive(password, salt, iterations));
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static byte[] derive(String password, byte[] salt, int iterations) {
    PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, HASH_BITS);
    try {
      return SecretKeyFactory.getInstance(ALGORITHM).generateSecret(spec).getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(ALGORITHM + " unavailable", e);
    } finally {
      spec.clearPassword();
    }
  }

  private static String encode(int iterations, byte[] salt, byte[] hash) {
    Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
    return "pbkdf2$" + iterations + "$" + b64.encodeToString(salt) + "$" + b64.encodeToString(hash);
  }
}

package io.callstream.webhook;

import io.callstream.failure.Failure;
import io.callstream.signature.ElevenLabsSignature;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;
import javax.crypto.Mac;

/**
 * Checks ElevenLabs' webhook signature ({@link ElevenLabsSignature}: header {@code
 * ElevenLabs-Signature: t=<unix seconds>,v0=<hex>}, v0 = HMAC-SHA256(secret, "t." + raw body)).
 * Pure: no I/O. Failures are {@link Failure}s of kind UNAUTHENTICATED with a short reason.
 *
 * <p>Decisions: extra header parts are ignored; several v0 parts are allowed and any one may match;
 * hex is decoded case-insensitively (uppercase hex is accepted: the compared values are the MAC
 * bytes, in constant time); t older than 30 minutes or more than 5 minutes in the future is
 * refused. During a secret rotation several secrets are configured and a signature made with any
 * one of them verifies.
 */
public final class SignatureVerifier {
  public static final String HEADER = ElevenLabsSignature.HEADER;
  static final long MAX_AGE_SECONDS = 1800;
  static final long MAX_FUTURE_SECONDS = 300;

  private static final Pattern TIMESTAMP = Pattern.compile("[0-9]{1,12}");

  private final List<byte[]> keys;

  /**
   * Keyed once; each check works on clones (provider look-up and key set-up cost more than the
   * HMAC).
   */
  private final List<Mac> prototypes;

  private final Clock clock;

  public SignatureVerifier(String secret, Clock clock) {
    this(List.of(secret), clock);
  }

  /** Several secrets during a rotation: a signature made with any of them verifies. */
  public SignatureVerifier(List<String> secrets, Clock clock) {
    if (secrets.isEmpty()) {
      throw new IllegalArgumentException("no webhook secret");
    }
    this.keys = secrets.stream().map(k -> k.getBytes(StandardCharsets.UTF_8)).toList();
    this.prototypes = keys.stream().map(ElevenLabsSignature::hmac).toList();
    this.clock = clock;
  }

  /** Verifies a whole body at once. */
  public void verify(String header, byte[] body) {
    Incremental check = start(header);
    check.update(body, 0, body.length);
    check.finish();
  }

  /**
   * Parses the header and checks its timestamp before any body byte is read; the returned check is
   * fed the body chunk by chunk (so a large body never has to be held in memory) and then finished.
   */
  public Incremental start(String header) {
    if (header == null || header.isBlank()) {
      throw Failure.unauthenticated("missing " + HEADER + " header");
    }
    String t = null;
    List<byte[]> candidates = new ArrayList<>();
    for (String part : header.trim().split(",")) {
      int eq = part.indexOf('=');
      if (eq <= 0) {
        continue;
      }
      String name = part.substring(0, eq).trim();
      String value = part.substring(eq + 1).trim();
      if (name.equals("t")) {
        t = value;
      } else if (name.equals("v0")) {
        byte[] mac = decodeHex(value);
        if (mac != null) {
          candidates.add(mac);
        }
      }
    }
    if (t == null || candidates.isEmpty() || !TIMESTAMP.matcher(t).matches()) {
      throw Failure.unauthenticated("malformed " + HEADER + " header");
    }
    long age = clock.instant().getEpochSecond() - Long.parseLong(t);
    if (age > MAX_AGE_SECONDS) {
      throw Failure.unauthenticated("signature timestamp too old");
    }
    if (age < -MAX_FUTURE_SECONDS) {
      throw Failure.unauthenticated("signature timestamp in the future");
    }
    byte[] prefix = ElevenLabsSignature.prefix(t);
    List<Mac> macs = new ArrayList<>(keys.size());
    for (int i = 0; i < keys.size(); i++) {
      Mac mac = freshMac(i);
      mac.update(prefix);
      macs.add(mac);
    }
    return new Incremental(macs, candidates);
  }

  /** HMACs (one per secret) in progress over a body that arrives in chunks. */
  public static final class Incremental {
    private final List<Mac> macs;
    private final List<byte[]> candidates;

    private Incremental(List<Mac> macs, List<byte[]> candidates) {
      this.macs = macs;
      this.candidates = candidates;
    }

    public void update(byte[] chunk, int offset, int length) {
      for (Mac mac : macs) {
        mac.update(chunk, offset, length);
      }
    }

    /**
     * Throws 401 unless one v0 of the header matches the body fed so far under one of the secrets.
     */
    public void finish() {
      boolean ok = false;
      for (Mac mac : macs) {
        byte[] actual = mac.doFinal();
        for (byte[] expected : candidates) {
          ok |= MessageDigest.isEqual(expected, actual);
        }
      }
      if (!ok) {
        throw Failure.unauthenticated("signature does not match");
      }
    }
  }

  private static byte[] decodeHex(String hex) {
    if (hex.length() != 64) {
      return null;
    }
    try {
      return HexFormat.of().parseHex(hex);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private Mac freshMac(int i) {
    try {
      return (Mac) prototypes.get(i).clone();
    } catch (CloneNotSupportedException e) {
      return ElevenLabsSignature.hmac(keys.get(i));
    }
  }
}

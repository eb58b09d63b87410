package io.callstream.cluster;

import com.hazelcast.config.ClassFilter;
import com.hazelcast.config.JavaSerializationFilterConfig;

/**
 * The classes a member may Java-deserialize from another member. Vert.x's cluster manager stores
 * its registrations and node infos as Hazelcast DataSerializable (not Java serialization) and
 * callstream keeps no clustered shared data, so what remains is Hazelcast's own traffic (its
 * classes, JDK exceptions, collections and values). Hazelcast's defaults (all of {@code java*},
 * {@code javax*}, {@code com.hazelcast.} minus a gadget blacklist) are disabled: any other class,
 * e.g. a task or value class a rogue member sends, is refused before it is instantiated.
 */
final class SerializationAllowList {
  static final String[] PACKAGE_PREFIXES = {
    "com.hazelcast.",
    "io.vertx.spi.cluster.hazelcast.",
    "io.vertx.core.",
    "java.lang.",
    "java.util.",
    "java.time.",
    "java.math.",
    "java.io.",
  };

  private SerializationAllowList() {}

  static JavaSerializationFilterConfig filter() {
    ClassFilter allowed = new ClassFilter();
    for (String prefix : PACKAGE_PREFIXES) {
      allowed.addPrefixes(prefix);
    }
    // array types ("[B", "[Ljava.lang.String;"): each element is checked by its own class when it
    // is read
    allowed.addPrefixes("[");
    ClassFilter denied =
        new ClassFilter()
            // JDK classes known as deserialization gadgets; their packages are otherwise allowed
            // above
            .addClasses("java.util.PriorityQueue", "java.util.concurrent.PriorityBlockingQueue")
            .addPrefixes("java.lang.reflect.", "java.lang.invoke.", "java.rmi.");
    return new JavaSerializationFilterConfig()
        .setDefaultsDisabled(true)
        .setWhitelist(allowed)
        .setBlacklist(denied);
  }
}

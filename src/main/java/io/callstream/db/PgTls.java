package io.callstream.db;

import io.callstream.config.DatabaseTls;
import io.vertx.core.net.ClientSSLOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.TrustOptions;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.SslMode;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.TrustManagerFactory;

/**
 * DATABASE_URL's sslmode/sslrootcert applied to the reactive client, with libpq's meaning of each
 * mode.
 */
final class PgTls {
  private PgTls() {}

  static PgConnectOptions apply(PgConnectOptions connect, DatabaseTls tls) {
    connect.setSslMode(SslMode.of(tls.mode().value()));
    if (tls.mode() == DatabaseTls.Mode.DISABLE) {
      return connect;
    }
    ClientSSLOptions ssl = new ClientSSLOptions();
    if (tls.mode().verifies()) {
      ssl.setTrustOptions(trust(tls.rootCert()));
      // verify-full checks the server's name against its certificate; verify-ca only the issuing CA
      // (libpq)
      ssl.setHostnameVerificationAlgorithm(
          tls.mode() == DatabaseTls.Mode.VERIFY_FULL ? "HTTPS" : "");
    } else {
      // allow, prefer, require: encrypted, the server's certificate not checked (libpq's meaning)
      ssl.setTrustAll(true).setHostnameVerificationAlgorithm("");
    }
    return connect.setSslOptions(ssl);
  }

  private static TrustOptions trust(String rootCert) {
    if (!DatabaseTls.SYSTEM.equals(rootCert)) {
      return new PemTrustOptions().addCertPath(rootCert);
    }
    try {
      TrustManagerFactory factory =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init((KeyStore) null);
      return TrustOptions.wrap(factory);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JVM's default trust store is unusable", e);
    }
  }
}

package io.callstream.app;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;
import sun.misc.Signal;

/**
 * SIGTERM and SIGINT stop the node cleanly (drain, close, leave the cluster) and the process exits
 * 0. The JVM's default handling would exit 143; a signal handler lets the node finish and report
 * success.
 */
final class Shutdown {
  private static final Logger LOG = Logger.getLogger(Shutdown.class.getName());
  private static final CountDownLatch STOPPED = new CountDownLatch(1);
  private static final AtomicBoolean STOPPING = new AtomicBoolean();
  private static volatile int exitCode = 0;

  private Shutdown() {}

  static void install(Node node) {
    Runnable stop =
        () -> {
          // one shutdown per process: a second signal during the drain is only logged
          if (!STOPPING.compareAndSet(false, true)) {
            LOG.info("signal received again: already stopping");
            return;
          }
          int bound = node.config().http().drainTimeoutSeconds();
          LOG.info("signal received: draining (at most " + bound + " s)");
          try {
            node.shutdown(bound);
            LOG.info("node stopped cleanly");
          } catch (Exception e) {
            LOG.warning("node did not stop cleanly: " + Main.rootMessage(e));
            exitCode = 1;
          }
          STOPPED.countDown();
        };
    Signal.handle(new Signal("TERM"), s -> new Thread(stop, "callstream-shutdown").start());
    Signal.handle(new Signal("INT"), s -> new Thread(stop, "callstream-shutdown").start());
  }

  static int awaitExitCode() {
    try {
      STOPPED.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return exitCode;
  }
}

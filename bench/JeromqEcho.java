import java.util.concurrent.TimeUnit;

import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * A plain JeroMQ ROUTER that sends every message back unchanged (routing id and all frames), on
 * one thread of its own: the JeroMQ reference for bench/run.py. No Conduit code at all.
 *
 * <pre>
 * java -cp ~/.m2/repository/org/zeromq/jeromq/0.6.0/jeromq-0.6.0.jar:~/.m2/repository/eu/neilalexander/jnacl/1.0.0/jnacl-1.0.0.jar \
 *     bench/JeromqEcho.java tcp://127.0.0.1:PORT [MAX_SECONDS]
 * </pre>
 *
 * Prints "READY endpoint" once bound; exits after MAX_SECONDS (default 3600) or when killed.
 */
public final class JeromqEcho {

  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      System.err.println("usage: JeromqEcho tcp://127.0.0.1:PORT [MAX_SECONDS]");
      System.exit(2);
    }
    String endpoint = args[0];
    long maxSeconds = args.length > 1 ? Long.parseLong(args[1]) : 3600;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(maxSeconds);
    try (ZContext context = new ZContext(1)) {
      ZMQ.Socket router = context.createSocket(SocketType.ROUTER);
      router.setLinger(0);
      router.setSndHWM(1_000_000);
      router.setRcvHWM(1_000_000);
      router.setReceiveTimeOut(100); // wake every 100 ms without traffic to see the deadline
      router.bind(endpoint);
      Thread echo = new Thread(() -> {
        while (System.nanoTime() < deadline) {
          byte[] frame = router.recv(0);
          if (frame == null) {
            continue;
          }
          boolean more = router.hasReceiveMore();
          router.send(frame, more ? ZMQ.SNDMORE : 0);
          while (more) {
            frame = router.recv(0);
            more = router.hasReceiveMore();
            router.send(frame, more ? ZMQ.SNDMORE : 0);
          }
        }
      }, "jeromq-echo");
      echo.start();
      System.out.println("READY " + endpoint);
      System.out.flush();
      echo.join();
    }
  }
}

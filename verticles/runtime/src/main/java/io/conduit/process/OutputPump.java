package io.conduit.process;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Semaphore;

/**
 * Reads one output stream of a supervised process on its own daemon thread (a blocking read has no
 * place on an event loop) and hands it on line by line. A line longer than {@link #MAX_LINE_BYTES}
 * is handed on in pieces, so a process that never writes a newline cannot grow the node's memory;
 * at most {@link #MAX_QUEUED} lines wait to be logged, after which reading pauses and the process
 * blocks on its full pipe instead of flooding the node.
 */
final class OutputPump {

  static final int MAX_LINE_BYTES = 8192;
  static final int MAX_QUEUED = 256;
  private static final int KEPT_LINES = 8;

  private final Semaphore room = new Semaphore(MAX_QUEUED);
  private final Deque<String> last = new ArrayDeque<>();

  /**
   * Starts the thread. {@code lines} gets each line and must call the {@link Runnable} it is given
   * once the line has been dealt with (logged on the verticle's context).
   */
  OutputPump(InputStream in, String threadName, LineSink lines) {
    Thread thread = new Thread(() -> pump(in, lines), threadName);
    thread.setDaemon(true);
    thread.start();
  }

  /** Where lines go: {@code done} must run once the line is logged. */
  interface LineSink {
    void line(String text, Runnable done);
  }

  private void pump(InputStream in, LineSink lines) {
    byte[] buffer = new byte[MAX_LINE_BYTES];
    int length = 0;
    try (in) {
      int b;
      while ((b = in.read()) >= 0) {
        if (b == '\n' || length == buffer.length) {
          emit(new String(buffer, 0, length, StandardCharsets.UTF_8), lines);
          length = 0;
          if (b == '\n') {
            continue;
          }
        }
        if (b != '\r') {
          buffer[length++] = (byte) b;
        }
      }
      if (length > 0) {
        emit(new String(buffer, 0, length, StandardCharsets.UTF_8), lines);
      }
    } catch (IOException | InterruptedException e) {
      // the process is gone (its pipe closed) or the node is stopping: nothing more to read
    }
  }

  private void emit(String line, LineSink lines) throws InterruptedException {
    synchronized (last) {
      last.addLast(line);
      if (last.size() > KEPT_LINES) {
        last.removeFirst();
      }
    }
    room.acquire();
    lines.line(line, room::release);
  }

  /** The last few lines read, oldest first (for the message of a process that failed to start). */
  String lastLines() {
    synchronized (last) {
      return String.join(" | ", last);
    }
  }
}

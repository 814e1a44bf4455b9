package io.conduit.client;

import io.conduit.codec.cbp.Command;

import java.util.concurrent.CompletableFuture;

/** One request on its way: its frames, its deadline and the future its reply completes. */
final class Call {

  final long id;
  final Command command;
  final String address;
  final byte[][] frames;
  final long timeoutMs;
  final long deadlineNanos;
  final CompletableFuture<Reply> future = new CompletableFuture<>();
  /** Set on the client's event loop once the frames are on the connection. */
  boolean sent;

  Call(long id, Command command, String address, byte[][] frames, long timeoutMs) {
    this.id = id;
    this.command = command;
    this.address = address;
    this.frames = frames;
    this.timeoutMs = timeoutMs;
    this.deadlineNanos = System.nanoTime() + timeoutMs * 1_000_000L;
  }

  String describe() {
    return command == Command.PING ? "PING" : command + " to '" + address + "'";
  }
}

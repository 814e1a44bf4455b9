package io.conduit.cli.client;

import io.vertx.core.json.JsonObject;

/**
 * One parsed REPL line: the doc-store request to send and how to show its reply.
 *
 * @param request the request body, {@code {"op": ..., "path": [...], ...}}
 * @param shows   which part of the reply the line prints
 */
record ReplStatement(JsonObject request, Shows shows) {

  /** What a line prints, as Python's REPL would for the same expression. */
  enum Shows {
    /** The value read ({@code db['x']}). */
    VALUE,
    /** {@code None}: a statement or a method without a result ({@code db['x'] = 3}). */
    NONE,
    /** The value a method returned ({@code pop}, {@code setdefault}). */
    RETURNED,
    /** A number ({@code len(...)}). */
    LEN,
    /** {@code True}/{@code False} ({@code 'x' in db}). */
    CONTAINS,
    /** The keys ({@code db.keys()}, {@code [k for k in db]} on an object). */
    KEYS,
    /** A list comprehension over a container: its items (a list) or keys (an object). */
    ITERATION
  }

  String op() {
    return request.getString("op");
  }
}

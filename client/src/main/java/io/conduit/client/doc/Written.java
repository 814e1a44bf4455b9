package io.conduit.client.doc;

/**
 * The outcome of a write that also answers a value: {@code pop} (the removed item), {@code incr}
 * (the new number), {@code setDefault} (the key's value afterwards) and {@code batch} (a JsonArray of
 * each op's result).
 *
 * @param version the document's version after the write
 * @param value   the write's result; JSON as described in {@link DocStore}
 */
public record Written(long version, Object value) {
}

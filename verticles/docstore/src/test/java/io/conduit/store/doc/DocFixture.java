package io.conduit.store.doc;

import io.conduit.codec.ErrorCode;
import io.vertx.core.json.JsonObject;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Requests written with single quotes for readability, and the checks every document test makes. */
final class DocFixture {

  private DocFixture() {
  }

  /** JSON text with ' for ", so requests read like the wire. */
  static JsonObject json(String singleQuoted) {
    return new JsonObject(singleQuoted.replace('\'', '"'));
  }

  static DocTree tree(String singleQuoted) {
    return new DocTree(json(singleQuoted));
  }

  static Result run(DocTree tree, String request) {
    return tree.apply(json(request));
  }

  /** The reply value of a request. */
  static Object value(DocTree tree, String request) {
    return run(tree, request).value();
  }

  /** The failure of a request, after checking its code and that the document did not change. */
  static DocException fails(DocTree tree, String request, ErrorCode code) {
    String before = tree.snapshot().encode();
    DocException e = assertThrows(DocException.class, () -> run(tree, request));
    assertEquals(code, e.code(), e.getMessage());
    assertEquals(before, tree.snapshot().encode(), "a failed request changed the document");
    return e;
  }

  /** The document as JSON text with ' for ", keys in order. */
  static String doc(DocTree tree) {
    return tree.snapshot().encode().replace('"', '\'');
  }
}

package io.conduit.store.doc;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * Applies a batch of writes all or none: if one fails, the ones before it are undone with their
 * inverses, newest first, and the failure names the op's index.
 */
final class Batches {

  private Batches() {
  }

  static Change apply(DocObject root, Op.Batch batch) {
    List<Change> done = new ArrayList<>(batch.ops().size());
    for (int i = 0; i < batch.ops().size(); i++) {
      try {
        done.add(batch.ops().get(i).write(root));
      } catch (DocException e) {
        rollBack(root, done);
        throw e.inBatch(i, "(" + batch.names().get(i) + ") failed, so none of the batch was applied");
      } catch (RuntimeException e) {
        rollBack(root, done);
        throw e;
      }
    }
    JsonArray ops = new JsonArray();
    JsonArray values = new JsonArray();
    JsonArray inverse = new JsonArray();
    for (Change change : done) {
      ops.add(change.op());
      values.add(change.value());
    }
    for (int i = done.size() - 1; i >= 0; i--) {
      inverse.addAll(done.get(i).inverse());
    }
    return new Change(new JsonObject().put("op", "batch").put("ops", ops), Path.ROOT, values, inverse);
  }

  private static void rollBack(DocObject root, List<Change> done) {
    for (int i = done.size() - 1; i >= 0; i--) {
      for (Object undo : done.get(i).inverse()) {
        try {
          ((Op.Write) Op.parse((JsonObject) undo)).write(root);
        } catch (RuntimeException e) {
          throw new IllegalStateException("undoing part of a failed batch failed at " + undo
              + "; the document may be inconsistent", e);
        }
      }
    }
  }
}

package io.conduit.cli.client;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReplParserTest {

  private static JsonObject request(String line) {
    return ReplParser.parse(line).request();
  }

  private static JsonObject op(String op, Object... path) {
    return new JsonObject().put("op", op).put("path", new JsonArray(java.util.Arrays.asList(path)));
  }

  @Test
  void theRootAndSubscriptsAreGets() {
    assertEquals(op("get"), request("db"));
    assertEquals(op("get", "l", 4L), request("db['l'][4]"));
    assertEquals(op("get", "l", -1L), request("db[\"l\"][-1]"));
  }

  @Test
  void assignmentIsASetWithAPythonLiteral() {
    assertEquals(op("set", "x").put("value", 3L), request("db['x'] = 3"));
    assertEquals(op("set", "l", 4L).put("value", new JsonArray().add("a").add("b").add("c")),
        request("db['l'][4] = ['a', 'b', 'c']"));
    assertEquals(op("set", "d").put("value", new JsonObject().put("k", true).put("n", null).put("f", 1.5)),
        request("db['d'] = {'k': True, 'n': None, 'f': 1.5}"));
  }

  @Test
  void rangeBecomesAList() {
    JsonArray ten = new JsonArray();
    for (long i = 0; i < 10; i++) {
      ten.add(i);
    }
    assertEquals(op("set", "l").put("value", ten), request("db['l'] = range(10)"));
  }

  @Test
  void delLenInAndComprehensionsMapToTheirOps() {
    assertEquals(op("delete", "x"), request("del db['x']"));
    ReplStatement len = ReplParser.parse("len(db['l'])");
    assertEquals(op("len", "l"), len.request());
    assertEquals(ReplStatement.Shows.LEN, len.shows());
    assertEquals(op("contains").put("value", "x"), request("'x' in db"));
    assertEquals(ReplStatement.Shows.ITERATION, ReplParser.parse("[v for v in db['l'][4]]").shows());
    assertEquals(op("get", "l", 4L), request("[v for v in db['l'][4]]"));
  }

  @Test
  void methodsMapToOpsWithTheirArguments() {
    assertEquals(op("append", "l", 4L).put("value", "d"), request("db['l'][4].append('d')"));
    assertEquals(op("insert", "l").put("index", 0L).put("value", 9L), request("db['l'].insert(0, 9)"));
    assertEquals(op("pop", "l"), request("db['l'].pop()"));
    assertEquals(ReplStatement.Shows.RETURNED, ReplParser.parse("db['l'].pop(2)").shows());
    assertEquals(op("extend", "l").put("values", new JsonArray().add(1L)), request("db['l'].extend([1])"));
    assertEquals(new JsonObject().put("op", "undo"), request("db.undo()"));
    assertEquals(new JsonObject().put("op", "lock"), request("db.lock()"));
  }

  @Test
  void anythingElseIsRefusedWithAReasonAndNothingIsEvaluated() {
    assertTrue(assertThrows(ReplSyntaxException.class, () -> ReplParser.parse("__import__('os').system('rm -rf /')"))
        .getMessage().contains("not a value"));
    assertTrue(assertThrows(ReplSyntaxException.class, () -> ReplParser.parse("db['l'].sort()"))
        .getMessage().contains("unknown method 'sort'"));
    assertTrue(assertThrows(ReplSyntaxException.class, () -> ReplParser.parse("db['x'"))
        .getMessage().contains("expected ']'"));
    assertTrue(assertThrows(ReplSyntaxException.class, () -> ReplParser.parse("db['x'] = 'open"))
        .getMessage().contains("unterminated string"));
    assertTrue(assertThrows(ReplSyntaxException.class, () -> ReplParser.parse("db.undo(1)"))
        .getMessage().contains("takes no arguments"));
    assertTrue(assertThrows(ReplSyntaxException.class, () -> ReplParser.parse("db[1.5]"))
        .getMessage().contains("whole-number index"));
  }

  @Test
  void randomLinesGiveAStatementOrASyntaxErrorNeverAnythingElse() {
    java.util.Random random = new java.util.Random(4242);
    String[] pieces = {"db", "[", "]", "(", ")", "{", "}", "'a'", "\"b", "1", "-2", "3.5e", ".", "=", ",", ":", "del ",
        "len", " in ", "for", "v", "append", "pop", "range", "True", "None", "#", "\\", "'", "\u00e9"};
    for (int n = 0; n < 20_000; n++) {
      StringBuilder line = new StringBuilder();
      int parts = random.nextInt(12);
      for (int i = 0; i < parts; i++) {
        line.append(pieces[random.nextInt(pieces.length)]);
      }
      try {
        ReplParser.parse(line.toString());
      } catch (ReplSyntaxException expected) {
        // the only failure allowed
      } catch (RuntimeException e) {
        throw new AssertionError("'" + line + "' failed with " + e, e);
      }
    }
  }

  @Test
  void valuesPrintAsPythonWould() {
    JsonObject doc = new JsonObject().put("x", 3).put("l", new JsonArray().add(0).add(new JsonArray().add("a")).add(true)
        .addNull().add(2.0).add("it's"));
    assertEquals("{'x': 3, 'l': [0, ['a'], True, None, 2.0, \"it's\"]}", PyRepr.of(doc));
  }
}

package io.conduit.cli.client;

import io.conduit.cli.client.PyLexer.Kind;
import io.conduit.cli.client.PyLexer.Token;
import io.conduit.cli.client.ReplStatement.Shows;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parses the pyzdb-style subset of Python that {@code conduit client} accepts into doc-store
 * requests; nothing is evaluated. Accepted: {@code db}, {@code db['k'][0]}, {@code db['k'] = v},
 * {@code del db['k']}, {@code db['l'].append(v)} (and insert, extend, pop, update, setdefault, clear,
 * keys, incr), {@code len(db['l'])}, {@code v in db['l']}, {@code [v for v in db['l']]},
 * {@code db.undo()}, {@code redo}, {@code save}, {@code lock}, {@code unlock}. Values are Python
 * literals: numbers, strings, True/False/None, lists, dicts and {@code range(n)}.
 */
final class ReplParser {

  private static final Set<String> ROOT_COMMANDS = Set.of("undo", "redo", "save", "lock", "unlock");
  /** Method name to its op and to how many arguments (min, max) it takes. */
  private static final Map<String, int[]> METHODS = Map.of(
      "append", new int[] {1, 1}, "insert", new int[] {2, 2}, "extend", new int[] {1, 1}, "pop", new int[] {0, 1},
      "update", new int[] {1, 1}, "setdefault", new int[] {2, 2}, "clear", new int[] {0, 0}, "keys", new int[] {0, 0},
      "incr", new int[] {0, 1});
  private static final int MAX_RANGE = 1_000_000;

  private final List<Token> tokens;
  private int pos;

  private ReplParser(String line) {
    this.tokens = PyLexer.tokens(line);
  }

  static ReplStatement parse(String line) {
    ReplParser p = new ReplParser(line);
    ReplStatement s = p.statement();
    p.expect(Kind.END, "end of line");
    return s;
  }

  private ReplStatement statement() {
    if (peek().is("del")) {
      pos++;
      return new ReplStatement(op("delete", target()), Shows.NONE);
    }
    if (peek().is("len") && peek(1).is("(")) {
      pos += 2;
      JsonArray path = target();
      expectPunct(")");
      return new ReplStatement(op("len", path), Shows.LEN);
    }
    if (peek().is("[") && peek(1).kind() == Kind.NAME && peek(2).is("for")) {
      return comprehension();
    }
    if (!peek().is("db")) {
      Object value = value();
      if (!peek().is("in")) {
        throw new ReplSyntaxException("expected a statement about db (db[...], del, len, in, db.undo() ...)");
      }
      pos++;
      return new ReplStatement(op("contains", target()).put("value", value), Shows.CONTAINS);
    }
    JsonArray path = target();
    if (peek().is("=")) {
      pos++;
      return new ReplStatement(op("set", path).put("value", value()), Shows.NONE);
    }
    if (peek().is(".")) {
      pos++;
      return method(path);
    }
    return new ReplStatement(op("get", path), Shows.VALUE);
  }

  private ReplStatement comprehension() {
    expectPunct("[");
    String item = expect(Kind.NAME, "a name").text();
    expectName("for");
    String loopVar = expect(Kind.NAME, "a name").text();
    if (!item.equals(loopVar)) {
      throw new ReplSyntaxException("only [v for v in db[...]] is supported, without expressions");
    }
    expectName("in");
    JsonArray path = target();
    expectPunct("]");
    return new ReplStatement(op("get", path), Shows.ITERATION);
  }

  private ReplStatement method(JsonArray path) {
    Token name = expect(Kind.NAME, "a method name");
    expectPunct("(");
    List<Object> args = new ArrayList<>();
    while (!peek().is(")")) {
      args.add(value());
      if (!peek().is(")")) {
        expectPunct(",");
      }
    }
    expectPunct(")");
    String m = name.text();
    if (path.isEmpty() && ROOT_COMMANDS.contains(m)) {
      if (!args.isEmpty()) {
        throw new ReplSyntaxException("db." + m + "() takes no arguments");
      }
      return new ReplStatement(new JsonObject().put("op", m), Shows.NONE);
    }
    int[] arity = METHODS.get(m);
    if (arity == null) {
      throw new ReplSyntaxException("unknown method '" + m + "'; use append, insert, extend, pop, update, setdefault, "
          + "clear, keys, incr" + (path.isEmpty() ? ", or db.undo/redo/save/lock/unlock()" : ""));
    }
    if (args.size() < arity[0] || args.size() > arity[1]) {
      throw new ReplSyntaxException(m + "() takes " + (arity[0] == arity[1] ? arity[0] : arity[0] + " or " + arity[1])
          + " argument(s), got " + args.size());
    }
    JsonObject op = op(m, path);
    switch (m) {
      case "append" -> op.put("value", args.get(0));
      case "insert" -> op.put("index", index(args.get(0))).put("value", args.get(1));
      case "extend" -> op.put("values", args.get(0));
      case "pop" -> {
        if (!args.isEmpty()) {
          op.put("index", index(args.get(0)));
        }
        return new ReplStatement(op, Shows.RETURNED);
      }
      case "update" -> op.put("value", args.get(0));
      case "setdefault" -> {
        op.put("key", args.get(0)).put("value", args.get(1));
        return new ReplStatement(op, Shows.RETURNED);
      }
      case "keys" -> {
        return new ReplStatement(op, Shows.KEYS);
      }
      case "incr" -> {
        if (!args.isEmpty()) {
          op.put("by", args.get(0));
        }
      }
      default -> { }
    }
    return new ReplStatement(op, Shows.NONE);
  }

  /** {@code db} followed by subscripts: the path they name. */
  private JsonArray target() {
    expectName("db");
    JsonArray path = new JsonArray();
    while (peek().is("[")) {
      pos++;
      Object key = value();
      if (!(key instanceof String) && !(key instanceof Long) && !(key instanceof Integer)) {
        throw new ReplSyntaxException("a subscript must be a string key or a whole-number index, got " + key);
      }
      path.add(key);
      expectPunct("]");
    }
    return path;
  }

  private Object value() {
    Token t = peek();
    if (t.kind() != Kind.END) {
      pos++;
    }
    switch (t.kind()) {
      case STRING:
        return t.text();
      case NUMBER:
        return number(t.text());
      case NAME:
        return switch (t.text()) {
          case "True" -> Boolean.TRUE;
          case "False" -> Boolean.FALSE;
          case "None" -> null;
          case "range" -> range();
          default -> throw new ReplSyntaxException("'" + t.text() + "' is not a value (use a literal, not a name)");
        };
      case PUNCT:
        if (t.is("[")) {
          JsonArray list = new JsonArray();
          while (!peek().is("]")) {
            list.add(value());
            if (!peek().is("]")) {
              expectPunct(",");
            }
          }
          pos++;
          return list;
        }
        if (t.is("{")) {
          JsonObject map = new JsonObject();
          while (!peek().is("}")) {
            Token key = expect(Kind.STRING, "a string key");
            expectPunct(":");
            map.put(key.text(), value());
            if (!peek().is("}")) {
              expectPunct(",");
            }
          }
          pos++;
          return map;
        }
        throw new ReplSyntaxException("expected a value at column " + (t.at() + 1) + ", got '" + t.text() + "'");
      default:
        throw new ReplSyntaxException("expected a value, the line ended");
    }
  }

  private JsonArray range() {
    expectPunct("(");
    Object n = value();
    expectPunct(")");
    if (!(n instanceof Long count) || count < 0 || count > MAX_RANGE) {
      throw new ReplSyntaxException("range(n) needs a whole number from 0 to " + MAX_RANGE);
    }
    JsonArray list = new JsonArray();
    for (long i = 0; i < count; i++) {
      list.add(i);
    }
    return list;
  }

  private static Object number(String text) {
    try {
      return text.contains(".") || text.contains("e") || text.contains("E") ? (Object) Double.parseDouble(text)
          : (Object) Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw new ReplSyntaxException("'" + text + "' is not a number");
    }
  }

  private static long index(Object value) {
    if (value instanceof Long l) {
      return l;
    }
    throw new ReplSyntaxException("an index must be a whole number, got " + value);
  }

  private static JsonObject op(String name, JsonArray path) {
    return new JsonObject().put("op", name).put("path", path);
  }

  private Token peek() {
    return peek(0);
  }

  /** The token {@code ahead} places on; the END token when past the end. */
  private Token peek(int ahead) {
    return tokens.get(Math.min(pos + ahead, tokens.size() - 1));
  }

  private Token expect(Kind kind, String what) {
    Token t = peek();
    if (t.kind() != kind) {
      throw new ReplSyntaxException("expected " + what + " at column " + (t.at() + 1)
          + (t.kind() == Kind.END ? ", the line ended" : ", got '" + t.text() + "'"));
    }
    pos++;
    return t;
  }

  private void expectPunct(String punct) {
    Token t = peek();
    if (!t.is(punct)) {
      throw new ReplSyntaxException("expected '" + punct + "' at column " + (t.at() + 1)
          + (t.kind() == Kind.END ? ", the line ended" : ", got '" + t.text() + "'"));
    }
    pos++;
  }

  private void expectName(String name) {
    if (!peek().is(name)) {
      throw new ReplSyntaxException("expected '" + name + "' at column " + (peek().at() + 1));
    }
    pos++;
  }
}

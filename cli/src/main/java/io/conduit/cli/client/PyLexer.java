package io.conduit.cli.client;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a REPL line into tokens of the small Python subset {@code conduit client} understands:
 * names, numbers, quoted strings and punctuation. Nothing is ever evaluated.
 */
final class PyLexer {

  enum Kind { NAME, NUMBER, STRING, PUNCT, END }

  record Token(Kind kind, String text, int at) {
    boolean is(String punctOrName) {
      return (kind == Kind.PUNCT || kind == Kind.NAME) && text.equals(punctOrName);
    }
  }

  private PyLexer() {
  }

  static List<Token> tokens(String line) {
    List<Token> out = new ArrayList<>();
    int i = 0;
    while (i < line.length()) {
      char c = line.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (Character.isLetter(c) || c == '_') {
        int start = i;
        while (i < line.length() && (Character.isLetterOrDigit(line.charAt(i)) || line.charAt(i) == '_')) {
          i++;
        }
        out.add(new Token(Kind.NAME, line.substring(start, i), start));
      } else if (Character.isDigit(c) || (c == '-' && i + 1 < line.length() && Character.isDigit(line.charAt(i + 1))
          && !endsValue(out))) {
        int start = i;
        i = number(line, c == '-' ? i + 1 : i);
        out.add(new Token(Kind.NUMBER, line.substring(start, i), start));
      } else if (c == '\'' || c == '"') {
        int start = i++;
        StringBuilder text = new StringBuilder();
        while (i < line.length() && line.charAt(i) != c) {
          char ch = line.charAt(i++);
          if (ch == '\\' && i < line.length()) {
            char esc = line.charAt(i++);
            text.append(switch (esc) {
              case 'n' -> '\n';
              case 't' -> '\t';
              default -> esc;
            });
          } else {
            text.append(ch);
          }
        }
        if (i >= line.length()) {
          throw new ReplSyntaxException("unterminated string starting at column " + (start + 1));
        }
        i++;
        out.add(new Token(Kind.STRING, text.toString(), start));
      } else if ("[](){}:,.=".indexOf(c) >= 0) {
        out.add(new Token(Kind.PUNCT, String.valueOf(c), i));
        i++;
      } else {
        throw new ReplSyntaxException("unexpected '" + c + "' at column " + (i + 1));
      }
    }
    out.add(new Token(Kind.END, "", line.length()));
    return out;
  }

  /** The end of a number starting at {@code i}: digits, an optional fraction, an optional exponent. */
  private static int number(String line, int i) {
    i = digits(line, i);
    if (i < line.length() && line.charAt(i) == '.') {
      i = digits(line, i + 1);
    }
    if (i < line.length() && (line.charAt(i) == 'e' || line.charAt(i) == 'E')) {
      i++;
      if (i < line.length() && (line.charAt(i) == '+' || line.charAt(i) == '-')) {
        i++;
      }
      i = digits(line, i);
    }
    return i;
  }

  private static int digits(String line, int i) {
    while (i < line.length() && Character.isDigit(line.charAt(i))) {
      i++;
    }
    return i;
  }

  /** After a value, '-' is an operator (unsupported), not a sign. */
  private static boolean endsValue(List<Token> out) {
    if (out.isEmpty()) {
      return false;
    }
    Token last = out.get(out.size() - 1);
    return last.kind() == Kind.NUMBER || last.kind() == Kind.STRING || last.kind() == Kind.NAME
        || last.is("]") || last.is(")") || last.is("}");
  }
}

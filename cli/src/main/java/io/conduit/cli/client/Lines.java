package io.conduit.cli.client;

import org.jline.keymap.KeyMap;
import org.jline.reader.Binding;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.Reference;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.completer.StringsCompleter;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Where the prompt's statements come from: a terminal, with JLine's line editing, history (kept in
 * {@code ~/.conduit_history}) and Tab completion of the statement forms; or a plain stream (a
 * script piped in), read line by line without prompts.
 */
abstract class Lines implements AutoCloseable {

  /** What Tab completes: the statement forms a pyzdb user types. */
  static final String[] WORDS = {"db", "db['", "del db['", "len(db['", "db.undo()", "db.redo()", "db.save()",
      "db.lock()", "db.unlock()", "db.keys()", ".append(", ".extend(", ".insert(", ".pop()", ".setdefault(",
      "range(", "True", "False", "None", "help", "exit()"};

  /** The next line without its end, or null when the input has ended (Ctrl-D). */
  abstract String next(String prompt);

  /** Where replies go (the terminal's own stream, so that they do not tear its line). */
  abstract PrintStream out();

  @Override
  public abstract void close() throws IOException;

  /** Lines of {@code in}, no prompt (a script). */
  static Lines of(InputStream in) {
    BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    return new Lines() {
      @Override
      String next(String prompt) {
        try {
          return reader.readLine();
        } catch (IOException e) {
          throw new UncheckedIOException("reading standard input failed: " + e.getMessage(), e);
        }
      }

      @Override
      PrintStream out() {
        return System.out;
      }

      @Override
      public void close() throws IOException {
        reader.close();
      }
    };
  }

  /** The user's terminal. */
  static Lines terminal() throws IOException {
    return of(TerminalBuilder.builder().system(true).build(),
        Path.of(System.getProperty("user.home"), ".conduit_history"));
  }

  /** A JLine prompt on {@code terminal}, its history in {@code historyFile} (null: none kept). */
  static Lines of(Terminal terminal, Path historyFile) {
    LineReaderBuilder builder = LineReaderBuilder.builder().terminal(terminal).appName("conduit")
        .completer(new StringsCompleter(WORDS))
        // db['x'] is not a file name or a designator: no globbing, no !-history expansion
        .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true);
    if (historyFile != null) {
      builder.variable(LineReader.HISTORY_FILE, historyFile);
    }
    LineReader reader = builder.build();
    // JLine asks the terminal for keypad mode, in which arrows come as ESC O x; a terminal that
    // ignores the request sends ESC [ x, which would otherwise print as ^[[A
    KeyMap<Binding> keys = reader.getKeyMaps().get(LineReader.MAIN);
    keys.bind(new Reference(LineReader.UP_LINE_OR_HISTORY), "\u001b[A");
    keys.bind(new Reference(LineReader.DOWN_LINE_OR_HISTORY), "\u001b[B");
    keys.bind(new Reference(LineReader.FORWARD_CHAR), "\u001b[C");
    keys.bind(new Reference(LineReader.BACKWARD_CHAR), "\u001b[D");
    PrintStream out = new PrintStream(terminal.output(), true, StandardCharsets.UTF_8);
    return new Lines() {
      @Override
      String next(String prompt) {
        while (true) {
          try {
            return reader.readLine(prompt);
          } catch (UserInterruptException e) {
            // Ctrl-C drops the line being typed, as Python's prompt does; Ctrl-D leaves
          } catch (EndOfFileException e) {
            return null;
          }
        }
      }

      @Override
      PrintStream out() {
        return out;
      }

      @Override
      public void close() throws IOException {
        try {
          reader.getHistory().save();
        } finally {
          terminal.close();
        }
      }
    };
  }
}

package io.conduit.cli.keygen;

import io.conduit.cli.CliFailure;
import io.conduit.codec.zmtp.ZmtpSecurity;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.Callable;

/** {@code conduit keygen}: writes a CURVE key pair for the bridge or a client. */
@Command(name = "keygen",
    header = "Generate a CURVE key pair (NAME.pub, NAME.key) for a bridge or a client.",
    sortOptions = false, usageHelpAutoWidth = true,
    description = {"Generate a CURVE key pair: NAME.pub holds the public key and NAME.key the secret key",
        "(readable by you only), each one Z85 line. Give the bridge its pair; give clients the .pub."})
public final class KeygenCommand implements Callable<Integer> {

  @Option(names = "--out", paramLabel = "DIR", description = "Directory to write the files to. Default: ${DEFAULT-VALUE}.")
  Path out = Path.of(".");

  @Option(names = "--name", paramLabel = "NAME", description = "File name without extension. Default: ${DEFAULT-VALUE}.")
  String name = "server";

  @Option(names = "--force", description = "Overwrite existing key files.")
  boolean force;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help.")
  boolean help;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    if (name.isEmpty() || name.contains("/") || name.contains("\\") || name.equals(".") || name.equals("..")) {
      throw new ParameterException(spec.commandLine(), "--name must be a plain file name, got '" + name + "'");
    }
    Path publicFile = out.resolve(name + ".pub");
    Path secretFile = out.resolve(name + ".key");
    if (!force) {
      for (Path p : new Path[] {publicFile, secretFile}) {
        if (Files.exists(p)) {
          throw new CliFailure(p + " already exists; keep it, choose another --name, or overwrite with --force");
        }
      }
    }
    Files.createDirectories(out);
    String[] pair = ZmtpSecurity.newKeyPair();
    writeSecret(secretFile, pair[1]);
    Files.writeString(publicFile, pair[0] + "\n", StandardCharsets.US_ASCII);
    var stdout = spec.commandLine().getOut();
    stdout.println("wrote " + publicFile + " (public key " + pair[0] + ")");
    stdout.println("wrote " + secretFile + " (secret key, mode 0600)");
    stdout.flush();
    return 0;
  }

  /** Creates the file with mode 0600 from the start, so the secret is never readable by others. */
  private static void writeSecret(Path file, String key) throws IOException {
    Files.deleteIfExists(file);
    try {
      if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } else {
        Files.createFile(file);
      }
    } catch (FileAlreadyExistsException e) {
      throw new CliFailure(file + " appeared while writing it; nothing was overwritten");
    }
    Files.writeString(file, key + "\n", StandardCharsets.US_ASCII, StandardOpenOption.TRUNCATE_EXISTING);
  }
}

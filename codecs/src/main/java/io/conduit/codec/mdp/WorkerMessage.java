package io.conduit.codec.mdp;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One command from a Majordomo worker (MDP/0.1, RFC 7), parsed from the frames after the ROUTER
 * identity and the empty delimiter: {@code "MDPW01" command ...}.
 *
 * @param command  {@link Mdp#READY}, {@link Mdp#REPLY}, {@link Mdp#HEARTBEAT} or {@link Mdp#DISCONNECT}
 * @param service  the service name of a READY, else null
 * @param clientId the client address a REPLY echoes (the bridge's request id), else null
 * @param body     the first body frame of a REPLY (empty when it has none), else null
 */
public record WorkerMessage(byte command, String service, byte[] clientId, byte[] body) {

  private static final byte[] EMPTY = new byte[0];

  /** Parses a worker's frames; a frame missing or out of place is an {@link MdpException} naming it. */
  public static WorkerMessage parse(List<byte[]> frames) throws MdpException {
    if (frames.isEmpty() || !Mdp.isWorker(frames.get(0))) {
      throw new MdpException("the first frame must be MDPW01");
    }
    if (frames.size() < 2 || frames.get(1).length != 1) {
      throw new MdpException("frame 2 must be a one-byte command (0x01 READY ... 0x05 DISCONNECT)");
    }
    byte command = frames.get(1)[0];
    return switch (command) {
      case Mdp.READY -> ready(frames);
      case Mdp.REPLY -> reply(frames);
      case Mdp.HEARTBEAT, Mdp.DISCONNECT -> new WorkerMessage(command, null, null, null);
      case Mdp.REQUEST -> throw new MdpException("REQUEST (0x02) goes from the broker to a worker, never back");
      default -> throw new MdpException(String.format("unknown command 0x%02x", command));
    };
  }

  private static WorkerMessage ready(List<byte[]> frames) throws MdpException {
    if (frames.size() < 3 || frames.get(2).length == 0) {
      throw new MdpException("READY needs a service name frame");
    }
    try {
      String service = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(frames.get(2))).toString();
      return new WorkerMessage(Mdp.READY, service, null, null);
    } catch (CharacterCodingException e) {
      throw new MdpException("the READY service name is not UTF-8");
    }
  }

  private static WorkerMessage reply(List<byte[]> frames) throws MdpException {
    if (frames.size() < 4 || frames.get(2).length == 0 || frames.get(3).length != 0) {
      throw new MdpException("REPLY needs the client address frame, an empty frame, then the body");
    }
    return new WorkerMessage(Mdp.REPLY, null, frames.get(2), frames.size() > 4 ? frames.get(4) : EMPTY);
  }

  /** The command's name for logs: READY, REPLY ... */
  public String commandName() {
    return Mdp.commandName(command);
  }
}

package io.conduit.codec.mdp;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WorkerMessageTest {

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void readyNamesTheService() throws MdpException {
    WorkerMessage m = WorkerMessage.parse(List.of(Mdp.WORKER, new byte[] {Mdp.READY}, utf8("upper")));
    assertEquals(Mdp.READY, m.command());
    assertEquals("upper", m.service());
  }

  @Test
  void replyCarriesTheClientAddressAndTheFirstBodyFrame() throws MdpException {
    WorkerMessage m = WorkerMessage.parse(List.of(Mdp.WORKER, new byte[] {Mdp.REPLY}, new byte[] {7},
        new byte[0], utf8("HI"), utf8("ignored")));
    assertEquals(Mdp.REPLY, m.command());
    assertArrayEquals(new byte[] {7}, m.clientId());
    assertArrayEquals(utf8("HI"), m.body());
  }

  @Test
  void aReplyWithoutBodyHasAnEmptyOne() throws MdpException {
    WorkerMessage m = WorkerMessage.parse(List.of(Mdp.WORKER, new byte[] {Mdp.REPLY}, new byte[] {7}, new byte[0]));
    assertEquals(0, m.body().length);
  }

  @Test
  void heartbeatAndDisconnectHaveNoFields() throws MdpException {
    assertEquals(Mdp.HEARTBEAT, WorkerMessage.parse(List.of(Mdp.WORKER, new byte[] {Mdp.HEARTBEAT})).command());
    assertEquals(Mdp.DISCONNECT, WorkerMessage.parse(List.of(Mdp.WORKER, new byte[] {Mdp.DISCONNECT})).command());
  }

  @Test
  void brokenMessagesAreRefusedWithTheRuleTheyBreak() {
    assertTrue(refusal(List.of(utf8("MDPC01"), new byte[] {1})).contains("MDPW01"));
    assertTrue(refusal(List.of(Mdp.WORKER)).contains("command"));
    assertTrue(refusal(List.of(Mdp.WORKER, new byte[] {1, 2})).contains("command"));
    assertTrue(refusal(List.of(Mdp.WORKER, new byte[] {Mdp.READY})).contains("service name"));
    assertTrue(refusal(List.of(Mdp.WORKER, new byte[] {Mdp.READY}, new byte[0])).contains("service name"));
    assertTrue(refusal(List.of(Mdp.WORKER, new byte[] {Mdp.READY}, new byte[] {(byte) 0xff})).contains("UTF-8"));
    assertTrue(refusal(List.of(Mdp.WORKER, new byte[] {Mdp.REPLY}, new byte[] {7})).contains("client address"));
    assertTrue(refusal(List.of(Mdp.WORKER, new byte[] {Mdp.REPLY}, new byte[] {7}, utf8("x"))).contains("empty"));
    assertTrue(refusal(List.of(Mdp.WORKER, new byte[] {Mdp.REQUEST})).contains("broker"));
    assertTrue(refusal(List.of(Mdp.WORKER, new byte[] {9})).contains("0x09"));
  }

  @Test
  void brokerFramesFollowRfc7() {
    byte[][] request = Mdp.request(new byte[] {7}, utf8("hi"));
    assertEquals(5, request.length);
    assertArrayEquals(Mdp.WORKER, request[0]);
    assertArrayEquals(new byte[] {Mdp.REQUEST}, request[1]);
    assertArrayEquals(new byte[] {7}, request[2]);
    assertEquals(0, request[3].length);
    assertArrayEquals(new byte[] {Mdp.HEARTBEAT}, Mdp.heartbeat()[1]);
    assertArrayEquals(new byte[] {Mdp.DISCONNECT}, Mdp.disconnect()[1]);
  }

  private static String refusal(List<byte[]> frames) {
    return assertThrows(MdpException.class, () -> WorkerMessage.parse(frames)).getMessage();
  }
}
